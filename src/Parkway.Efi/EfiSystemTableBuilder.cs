using System.Buffers.Binary;

namespace Parkway.Efi;

/// <summary>
/// Synthesises the minimal EFI System Table arm64 Linux needs to use ACPI when booted directly,
/// without firmware: no boot services, no consoles, optionally Parkway's runtime services
/// (<see cref="EfiRuntimeServicesBuilder"/>), and two configuration tables (ACPI 2.0 → RSDP, and an
/// RT properties table declaring which runtime services Linux may call: none without them).
/// </summary>
/// <remarks>
/// Image layout (offsets from the base address, all 8-byte aligned, all pointers absolute):
/// <code>
///   0  EFI_SYSTEM_TABLE (120 bytes)
/// 120  EFI_CONFIGURATION_TABLE[2] (24 bytes each: EFI_GUID, u64 pointer)
/// 168  EFI_RT_PROPERTIES_TABLE (8 bytes: u16 Version 1, u16 Length 8, u32 RuntimeServicesSupported)
/// 176  firmware vendor, UTF-16LE, NUL-terminated, padded to 8
/// </code>
/// EFI_SYSTEM_TABLE on a 64-bit machine: EFI_TABLE_HEADER {u64 Signature, u32 Revision, u32 HeaderSize,
/// u32 CRC32, u32 Reserved} at 0; FirmwareVendor 24; FirmwareRevision u32 32 (+4 padding);
/// ConsoleInHandle 40; ConIn 48; ConsoleOutHandle 56; ConOut 64; StandardErrorHandle 72; StdErr 80;
/// RuntimeServices 88; BootServices 96; NumberOfTableEntries 104; ConfigurationTable 112.
/// </remarks>
public static class EfiSystemTableBuilder
{
    /// <summary>EFI_SYSTEM_TABLE_SIGNATURE, "IBI SYST" read as a little-endian u64.</summary>
    public const ulong Signature = 0x5453_5953_2049_4249;

    /// <summary>UEFI 2.70: major in the high 16 bits, minor (70) in the low 16 bits.</summary>
    public const uint Revision = (2 << 16) | 70;

    /// <summary>Size of EFI_SYSTEM_TABLE for 64-bit UEFI; also its header's HeaderSize.</summary>
    public const int SystemTableSize = 120;

    /// <summary>Size of one EFI_CONFIGURATION_TABLE entry: 16-byte GUID + 8-byte pointer.</summary>
    public const int ConfigurationTableEntrySize = 24;

    /// <summary>EFI_RT_PROPERTIES_TABLE_VERSION.</summary>
    public const ushort RtPropertiesTableVersion = 1;

    /// <summary>sizeof(EFI_RT_PROPERTIES_TABLE).</summary>
    public const ushort RtPropertiesTableSize = 8;

    private const int ConfigurationTableEntryCount = 2;
    private const int ConfigurationTableOffset = SystemTableSize;
    private const int RtPropertiesTableOffset = ConfigurationTableOffset + (ConfigurationTableEntryCount * ConfigurationTableEntrySize);
    private const int FirmwareVendorOffset = RtPropertiesTableOffset + RtPropertiesTableSize;
    private const int Alignment = 8;
    private const int CrcOffset = 16;

    /// <summary>Lays out the tables for guest-physical address <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">Where the image will be copied in guest RAM; 8-byte aligned.</param>
    /// <param name="rsdpAddress">Guest-physical address of the ACPI RSDP (revision 2).</param>
    /// <param name="firmwareVendor">Shown by Linux in "EFI v2.7 by ..."; must not contain NUL.</param>
    /// <param name="runtimeServices">Runtime services placed elsewhere in guest RAM, or null for none.</param>
    /// <exception cref="ArgumentException">Misaligned base, null RSDP, NUL in the vendor, or image past 2^64.</exception>
    public static EfiSystemTableImage Build(ulong baseAddress, ulong rsdpAddress, string firmwareVendor, EfiRuntimeServicesImage? runtimeServices = null)
    {
        ArgumentNullException.ThrowIfNull(firmwareVendor);
        if (baseAddress % Alignment != 0)
        {
            throw new ArgumentException($"Base address 0x{baseAddress:x} is not 8-byte aligned.", nameof(baseAddress));
        }

        if (rsdpAddress == 0)
        {
            throw new ArgumentException("The RSDP address must not be 0 (a null configuration table pointer).", nameof(rsdpAddress));
        }

        if (firmwareVendor.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The firmware vendor must not contain NUL.", nameof(firmwareVendor));
        }

        int vendorBytes = (firmwareVendor.Length + 1) * sizeof(char);
        int imageSize = AlignUp(FirmwareVendorOffset + vendorBytes, Alignment);
        if (baseAddress > ulong.MaxValue - (ulong)imageSize + 1)
        {
            throw new ArgumentException($"An image of {imageSize} bytes at 0x{baseAddress:x} wraps past 2^64.", nameof(baseAddress));
        }

        byte[] image = new byte[imageSize];
        WriteSystemTable(image.AsSpan(0, SystemTableSize), baseAddress, runtimeServices?.TableAddress ?? 0);
        WriteConfigurationTable(image.AsSpan(ConfigurationTableOffset), baseAddress, rsdpAddress);
        WriteRtPropertiesTable(image.AsSpan(RtPropertiesTableOffset, RtPropertiesTableSize), runtimeServices?.SupportedServices ?? 0);
        for (int i = 0; i < firmwareVendor.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(FirmwareVendorOffset + (i * sizeof(char))), firmwareVendor[i]);
        }

        // The CRC covers HeaderSize bytes with the CRC field itself zero, so it is computed last.
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(CrcOffset), Crc32.Compute(image.AsSpan(0, SystemTableSize)));
        return new EfiSystemTableImage(image, baseAddress, baseAddress);
    }

    private static void WriteSystemTable(Span<byte> table, ulong baseAddress, ulong runtimeServices)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(table[0..], Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(table[8..], Revision);
        BinaryPrimitives.WriteUInt32LittleEndian(table[12..], SystemTableSize);
        // 16 CRC32 (filled in last), 20 Reserved.
        BinaryPrimitives.WriteUInt64LittleEndian(table[24..], baseAddress + FirmwareVendorOffset);
        // 32 FirmwareRevision 0; 40..87 console handles and protocols NULL: Linux falls back to the
        // DT/ACPI console. 96 BootServices NULL: there is no firmware and no boot phase.
        BinaryPrimitives.WriteUInt64LittleEndian(table[88..], runtimeServices);
        BinaryPrimitives.WriteUInt64LittleEndian(table[104..], ConfigurationTableEntryCount);
        BinaryPrimitives.WriteUInt64LittleEndian(table[112..], baseAddress + ConfigurationTableOffset);
    }

    private static void WriteConfigurationTable(Span<byte> entries, ulong baseAddress, ulong rsdpAddress)
    {
        EfiGuids.Write(EfiGuids.Acpi20Table, entries[0..]);
        BinaryPrimitives.WriteUInt64LittleEndian(entries[EfiGuids.Size..], rsdpAddress);

        Span<byte> second = entries[ConfigurationTableEntrySize..];
        EfiGuids.Write(EfiGuids.RtPropertiesTable, second);
        BinaryPrimitives.WriteUInt64LittleEndian(second[EfiGuids.Size..], baseAddress + RtPropertiesTableOffset);
    }

    private static void WriteRtPropertiesTable(Span<byte> table, uint supported)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(table[0..], RtPropertiesTableVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(table[2..], RtPropertiesTableSize);
        // Linux ANDs its mask with this (efi_config_parse_tables) and calls no service whose bit is
        // clear: 0 without runtime services, so it never jumps through a NULL table.
        BinaryPrimitives.WriteUInt32LittleEndian(table[4..], supported);
    }

    private static int AlignUp(int value, int alignment) => (value + alignment - 1) & ~(alignment - 1);
}
