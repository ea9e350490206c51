using System.Buffers.Binary;

namespace Parkway.Efi.Tests;

public class EfiMemoryMapBuilderTests
{
    private const ulong Gib = 1UL << 30, Mib = 1UL << 20;

    /// <summary>One decoded 48-byte descriptor, read with offsets from the UEFI spec, not the library.</summary>
    private sealed record Decoded(uint Type, uint Pad, ulong PhysicalStart, ulong VirtualStart, ulong Pages, ulong Attribute, ulong Tail);

    private static Decoded[] Decode(byte[] map)
    {
        Assert.Equal(0, map.Length % 48);
        return Enumerable.Range(0, map.Length / 48).Select(i =>
        {
            ReadOnlySpan<byte> d = map.AsSpan(i * 48, 48);
            return new Decoded(
                BinaryPrimitives.ReadUInt32LittleEndian(d),
                BinaryPrimitives.ReadUInt32LittleEndian(d[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(d[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(d[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(d[24..]),
                BinaryPrimitives.ReadUInt64LittleEndian(d[32..]),
                BinaryPrimitives.ReadUInt64LittleEndian(d[40..]));
        }).ToArray();
    }

    [Fact]
    public void Descriptors_are_48_bytes_version_1_sorted_by_address()
    {
        var builder = new EfiMemoryMapBuilder()
            .Add(EfiMemoryType.ConventionalMemory, Gib + (64 * Mib), 448 * Mib)
            .Add(EfiMemoryType.AcpiReclaimMemory, Gib + (2 * Mib), 0x3000)
            .Add(EfiMemoryType.ConventionalMemory, Gib, 2 * Mib);

        Decoded[] map = Decode(builder.Build());

        Assert.Equal(48, builder.DescriptorSize);
        Assert.Equal(1u, builder.DescriptorVersion);
        Assert.Equal(3, builder.Count);
        Assert.Equal(3 * 48, builder.SizeInBytes);
        Assert.Equal(
            [
                new Decoded(7, 0, Gib, 0, 512, 0xF, 0),
                new Decoded(9, 0, Gib + (2 * Mib), 0, 3, 0xF, 0),
                new Decoded(7, 0, Gib + (64 * Mib), 0, 448 * Mib / 4096, 0xF, 0),
            ],
            map);
    }

    [Fact]
    public void Exact_bytes_of_one_descriptor()
    {
        byte[] map = new EfiMemoryMapBuilder()
            .Add(EfiMemoryType.AcpiMemoryNvs, 0x1234_5678_9000, 0x2000, EfiMemoryAttributes.WriteBack)
            .Build();

        Assert.Equal(
            "0A000000" + "00000000" + "0090785634120000" + "0000000000000000" + "0200000000000000" + "0800000000000000" + "0000000000000000",
            Convert.ToHexString(map));
    }

    [Fact]
    public void A_runtime_range_is_identity_mapped_others_have_no_virtual_address()
    {
        // Linux (arm-runtime.c, efi_virtmap_init) maps each EFI_MEMORY_RUNTIME range at its
        // VirtualStart in efi_mm; U64_MAX there would disable runtime services.
        byte[] map = new EfiMemoryMapBuilder()
            .Add(EfiMemoryType.RuntimeServicesCode, 0x1234_5678_9000, 0x2000, EfiMemoryAttributes.WriteBack | EfiMemoryAttributes.Runtime)
            .Add(EfiMemoryType.ConventionalMemory, 0x4000_0000, 0x1000)
            .Build();

        Assert.Equal(
            "05000000" + "00000000" + "0090785634120000" + "0090785634120000" + "0200000000000000" + "0800000000000080" + "0000000000000000",
            Convert.ToHexString(map.AsSpan(48)));
        Assert.Equal(0ul, Decode(map)[0].VirtualStart);
    }

    [Fact]
    public void Memory_mapped_io_may_be_uncacheable_only()
    {
        // The PL031 window GetTime reads: EFI_MEMORY_UC | EFI_MEMORY_RUNTIME, no WB (it is not RAM,
        // and Linux must not add it to memblock).
        Decoded[] map = Decode(new EfiMemoryMapBuilder()
            .Add(EfiMemoryType.MemoryMappedIo, 0x0901_0000, 0x1000, EfiMemoryAttributes.Uncacheable | EfiMemoryAttributes.Runtime)
            .Build());

        Assert.Equal(new Decoded(11, 0, 0x0901_0000, 0x0901_0000, 1, 0x8000_0000_0000_0001, 0), Assert.Single(map));
    }

    [Fact]
    public void Adjacent_ranges_are_allowed()
    {
        var builder = new EfiMemoryMapBuilder()
            .Add(EfiMemoryType.ConventionalMemory, 0x4000_0000, 0x1000)
            .Add(EfiMemoryType.AcpiReclaimMemory, 0x4000_1000, 0x1000)
            .Add(EfiMemoryType.ConventionalMemory, 0x3FFF_F000, 0x1000);

        Assert.Equal([0x3FFF_F000ul, 0x4000_0000ul, 0x4000_1000ul], builder.Descriptors.Select(d => d.PhysicalStart));
    }

    [Theory]
    [InlineData(0x4000_0000ul, 0x1000ul)]           // same start
    [InlineData(0x3FFF_F000ul, 0x2000ul)]           // covers the first page
    [InlineData(0x400F_F000ul, 0x1000ul)]           // the last page
    [InlineData(0x4004_0000ul, 0x1000ul)]           // strictly inside
    [InlineData(0x3000_0000ul, 0x2000_0000ul)]      // strictly around
    public void Overlapping_ranges_are_rejected_naming_both(ulong start, ulong size)
    {
        var builder = new EfiMemoryMapBuilder().Add(EfiMemoryType.ConventionalMemory, 0x4000_0000, 0x10_0000);

        var error = Assert.Throws<ArgumentException>(() => builder.Add(EfiMemoryType.AcpiReclaimMemory, start, size));
        Assert.Contains("overlaps", error.Message, StringComparison.Ordinal);
        Assert.Contains("0x40000000", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, builder.Count);
    }

    [Fact]
    public void A_range_ending_at_the_top_of_the_address_space_is_handled()
    {
        var builder = new EfiMemoryMapBuilder().Add(EfiMemoryType.ConventionalMemory, ulong.MaxValue - 0xFFF, 0x1000);

        Assert.Throws<ArgumentException>(() => builder.Add(EfiMemoryType.ConventionalMemory, ulong.MaxValue - 0x1FFF, 0x2000));
        Assert.Throws<ArgumentException>(() => builder.Add(EfiMemoryType.ConventionalMemory, ulong.MaxValue - 0xFFF, 0x2000));
        builder.Add(EfiMemoryType.ConventionalMemory, ulong.MaxValue - 0x1FFF, 0x1000);
        Assert.Equal(2, builder.Count);
    }

    [Theory]
    [InlineData(0x4000_0800ul, 0x1000ul, "physicalStart")]
    [InlineData(0x4000_0000ul, 0x800ul, "size")]
    [InlineData(0x4000_0000ul, 0ul, "size")]
    public void Misaligned_or_empty_ranges_are_rejected(ulong start, ulong size, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() => new EfiMemoryMapBuilder().Add(EfiMemoryType.ConventionalMemory, start, size));

        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void Ranges_without_write_back_are_rejected()
    {
        var builder = new EfiMemoryMapBuilder();

        var error = Assert.Throws<ArgumentException>(() =>
            builder.Add(EfiMemoryType.ConventionalMemory, 0x4000_0000, 0x1000, EfiMemoryAttributes.Uncacheable));
        Assert.Contains("WB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_memory_types_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new EfiMemoryMapBuilder().Add((EfiMemoryType)16, 0x4000_0000, 0x1000));
    }

    [Fact]
    public void Default_attribute_is_uc_wc_wt_wb()
    {
        Assert.Equal(0xFul, EfiMemoryAttributes.Default);
        Assert.Equal(0xFul, new EfiMemoryMapBuilder().Add(EfiMemoryType.ConventionalMemory, 0, 0x1000).Descriptors[0].Attribute);
    }

    [Fact]
    public void An_empty_map_builds_to_no_bytes()
    {
        Assert.Empty(new EfiMemoryMapBuilder().Build());
    }
}
