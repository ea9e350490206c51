using System.Buffers.Binary;
using System.Text;

namespace Parkway.Efi.Tests;

/// <summary>
/// Decodes the image with offsets taken from the UEFI specification (EFI_SYSTEM_TABLE for 64-bit,
/// EFI_CONFIGURATION_TABLE, EFI_RT_PROPERTIES_TABLE) and follows every pointer.
/// </summary>
public class EfiSystemTableBuilderTests
{
    private const ulong Base = 0x4800_0000;
    private const ulong Rsdp = 0x4801_0000;

    private readonly EfiSystemTableImage _image = EfiSystemTableBuilder.Build(Base, Rsdp, "Parkway");

    private ulong U64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(_image.Bytes.AsSpan(offset));

    private uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_image.Bytes.AsSpan(offset));

    private ushort U16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(_image.Bytes.AsSpan(offset));

    /// <summary>Turns a guest-physical pointer into an offset in the image, failing if it points outside.</summary>
    private int OffsetOf(ulong pointer, int length)
    {
        Assert.InRange(pointer, Base, Base + (ulong)_image.Bytes.Length - (ulong)length);
        Assert.Equal(0ul, pointer % 8);
        return (int)(pointer - Base);
    }

    [Fact]
    public void Image_addresses()
    {
        Assert.Equal(Base, _image.BaseAddress);
        Assert.Equal(Base, _image.SystemTableAddress);
        Assert.Equal(0, _image.Bytes.Length % 8);
        Assert.Equal(Base + (ulong)_image.Bytes.Length, _image.EndAddress);
    }

    [Fact]
    public void Table_header()
    {
        int table = OffsetOf(_image.SystemTableAddress, 120);

        Assert.Equal("IBI SYST", Encoding.ASCII.GetString(_image.Bytes, table, 8));
        Assert.Equal(0x5453595320494249ul, U64(table));
        Assert.Equal(0x00020046u, U32(table + 8));   // 2.70
        Assert.Equal(120u, U32(table + 12));         // HeaderSize
        Assert.Equal(0u, U32(table + 20));           // Reserved
    }

    [Fact]
    public void Crc32_covers_the_120_byte_table_with_the_crc_field_zero()
    {
        byte[] table = _image.Bytes.AsSpan(0, 120).ToArray();
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(16));
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(16), 0);

        Assert.Equal(Crc32.Compute(table), stored);
        Assert.NotEqual(0u, stored);
    }

    [Fact]
    public void No_services_and_no_consoles()
    {
        Assert.Equal(0u, U32(32));  // FirmwareRevision
        Assert.Equal(0u, U32(36));  // padding
        for (int offset = 40; offset <= 96; offset += 8)
        {
            // ConsoleInHandle, ConIn, ConsoleOutHandle, ConOut, StandardErrorHandle, StdErr,
            // RuntimeServices, BootServices.
            Assert.Equal(0ul, U64(offset));
        }
    }

    [Fact]
    public void With_runtime_services_the_table_points_at_them_and_rt_properties_names_their_bits()
    {
        EfiRuntimeServicesImage runtime = EfiRuntimeServicesBuilder.Build(0x5ffe_0000, 0x0901_0000);
        byte[] image = EfiSystemTableBuilder.Build(Base, Rsdp, "Parkway", runtime).Bytes;

        Assert.Equal(0x5ffe_0000ul, BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(88)));   // RuntimeServices
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(96)));             // BootServices
        // The second configuration table entry's pointer → EFI_RT_PROPERTIES_TABLE; its u32 at 4.
        int properties = (int)(BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(120 + 24 + 16)) - Base);
        Assert.Equal(0x3u, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(properties + 4)));
        Assert.Equal(0u, U32(properties + 4));   // and none without them

        byte[] table = image.AsSpan(0, 120).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(16), 0);
        Assert.Equal(Crc32.Compute(table), BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(16)));
    }

    [Fact]
    public void Firmware_vendor_pointer_leads_to_a_nul_terminated_utf16_string()
    {
        int vendor = OffsetOf(U64(24), 16);

        Assert.Equal("Parkway\0", Encoding.Unicode.GetString(_image.Bytes, vendor, 16));
    }

    [Fact]
    public void Configuration_table_has_acpi20_and_rt_properties_entries()
    {
        Assert.Equal(2ul, U64(104));
        int entries = OffsetOf(U64(112), 2 * 24);

        Assert.Equal("71E86888F1E4D311BC220080C73C8881", Convert.ToHexString(_image.Bytes, entries, 16));
        Assert.Equal(Rsdp, U64(entries + 16));
        Assert.Equal("8A9166EBEF7E2A40842E931D21C38AE9", Convert.ToHexString(_image.Bytes, entries + 24, 16));

        int rtProperties = OffsetOf(U64(entries + 24 + 16), 8);
        Assert.Equal(1, U16(rtProperties));      // Version
        Assert.Equal(8, U16(rtProperties + 2));  // Length
        Assert.Equal(0u, U32(rtProperties + 4)); // RuntimeServicesSupported: none
    }

    [Fact]
    public void Pieces_do_not_overlap()
    {
        int vendorLength = ("Parkway".Length + 1) * 2;
        int configurationTable = OffsetOf(U64(112), 48);
        (int Start, int Length)[] pieces =
        [
            (0, 120),
            (configurationTable, 48),
            (OffsetOf(U64(configurationTable + 40), 8), 8),
            (OffsetOf(U64(24), vendorLength), vendorLength),
        ];

        var sorted = pieces.OrderBy(p => p.Start).ToArray();
        for (int i = 1; i < sorted.Length; i++)
        {
            Assert.True(sorted[i - 1].Start + sorted[i - 1].Length <= sorted[i].Start, $"pieces {sorted[i - 1]} and {sorted[i]} overlap");
        }

        Assert.True(sorted[^1].Start + sorted[^1].Length <= _image.Bytes.Length);
    }

    [Fact]
    public void Pointers_follow_the_base_address_and_nothing_else_changes()
    {
        const ulong otherBase = 0x1_0000_0000;
        EfiSystemTableImage moved = EfiSystemTableBuilder.Build(otherBase, Rsdp, "Parkway");
        byte[] a = (byte[])_image.Bytes.Clone(), b = (byte[])moved.Bytes.Clone();

        Assert.Equal(a.Length, b.Length);
        foreach (int pointerOffset in new[] { 24, 112 })
        {
            Assert.Equal(U64(pointerOffset) - Base, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(pointerOffset)) - otherBase);
            a.AsSpan(pointerOffset, 8).Clear();
            b.AsSpan(pointerOffset, 8).Clear();
        }

        int rtPointer = (int)(U64(112) - Base) + 40;
        Assert.Equal(U64(rtPointer) - Base, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(rtPointer)) - otherBase);
        a.AsSpan(rtPointer, 8).Clear();
        b.AsSpan(rtPointer, 8).Clear();
        a.AsSpan(16, 4).Clear(); // the CRC differs with the pointers
        b.AsSpan(16, 4).Clear();
        Assert.Equal(a, b);
        Assert.Equal(otherBase, moved.SystemTableAddress);
    }

    [Theory]
    [InlineData("")]
    [InlineData("A")]
    [InlineData("Parkway VMM 0.1 — ünïcödé")]
    public void Vendor_strings_of_any_length_fit_and_keep_the_image_aligned(string vendor)
    {
        EfiSystemTableImage image = EfiSystemTableBuilder.Build(Base, Rsdp, vendor);
        int offset = (int)(BinaryPrimitives.ReadUInt64LittleEndian(image.Bytes.AsSpan(24)) - Base);
        int length = (vendor.Length + 1) * 2;

        Assert.Equal(0, image.Bytes.Length % 8);
        Assert.True(offset + length <= image.Bytes.Length);
        Assert.Equal(vendor + "\0", Encoding.Unicode.GetString(image.Bytes, offset, length));
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => EfiSystemTableBuilder.Build(Base + 4, Rsdp, "x"));
        Assert.Throws<ArgumentException>(() => EfiSystemTableBuilder.Build(Base, 0, "x"));
        Assert.Throws<ArgumentException>(() => EfiSystemTableBuilder.Build(Base, Rsdp, "a\0b"));
        Assert.Throws<ArgumentException>(() => EfiSystemTableBuilder.Build(ulong.MaxValue - 7, Rsdp, "x"));
    }
}
