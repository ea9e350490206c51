using Parkway.Acpi.Tables;

namespace Parkway.Acpi.Tests;

public class TableSetLayoutTests
{
    private static readonly string[] ExpectedOrder = ["RSDP", "XSDT", "FACP", "APIC", "GTDT", "SPCR", "PPTT", "DSDT"];

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 8)]
    [InlineData(4, 64)]
    [InlineData(8, 512)]
    public void Every_table_checksums_to_zero_and_declares_its_length(int boot, int possible)
    {
        var set = AcpiTableSetBuilder.Build(TestPlatforms.Create(boot, possible), TestPlatforms.TablesBase);
        Assert.Equal(ExpectedOrder, set.Tables.Select(t => t.Signature));
        foreach (var table in set.Tables.Where(t => t.Signature != "RSDP"))
        {
            Assert.Equal(table.Signature == "FACP" ? "FACP" : table.Signature, table.Bytes.Ascii(0, 4));
            Assert.Equal((uint)table.Bytes.Length, table.Bytes.U32(4));
            Assert.Equal(0, AcpiChecksum.Sum(table.Bytes));
            Assert.Equal("PRKWAY", table.Bytes.Ascii(10, 6));
            Assert.Equal("PARKWAYV", table.Bytes.Ascii(16, 8));
            Assert.Equal(1u, table.Bytes.U32(24));
            Assert.Equal("PRKW", table.Bytes.Ascii(28, 4));
        }
    }

    [Fact]
    public void Rsdp_is_revision_2_with_both_checksums_and_points_at_the_xsdt()
    {
        var set = AcpiTableSetBuilder.Build(TestPlatforms.Create(2, 8), TestPlatforms.TablesBase);
        var rsdp = set["RSDP"].Bytes;
        Assert.Equal(36, rsdp.Length);
        Assert.Equal("RSD PTR ", rsdp.Ascii(0, 8));
        Assert.Equal(0, AcpiChecksum.Sum(rsdp.AsSpan(0, 20)));
        Assert.Equal(0, AcpiChecksum.Sum(rsdp));
        Assert.Equal("PRKWAY", rsdp.Ascii(9, 6));
        Assert.Equal(2, rsdp[15]);
        Assert.Equal(0u, rsdp.U32(16)); // no RSDT
        Assert.Equal(36u, rsdp.U32(20));
        Assert.Equal(set["XSDT"].Address, rsdp.U64(24));
        Assert.Equal(set.RsdpAddress, set["RSDP"].Address);
    }

    [Fact]
    public void Image_holds_every_table_at_its_8_aligned_address_and_pointers_are_absolute()
    {
        var set = AcpiTableSetBuilder.Build(TestPlatforms.Create(2, 8), TestPlatforms.TablesBase);
        Assert.Equal(TestPlatforms.TablesBase, set.BaseAddress);
        foreach (var table in set.Tables)
        {
            Assert.Equal(0UL, table.Address % 8);
            var offset = (int)(table.Address - set.BaseAddress);
            Assert.Equal(table.Bytes, set.Image.AsSpan(offset, table.Bytes.Length).ToArray());
        }

        var xsdt = set["XSDT"].Bytes;
        var pointed = Enumerable.Range(0, (xsdt.Length - 36) / 8).Select(i => xsdt.U64(36 + (8 * i))).ToArray();
        Assert.Equal(new[] { "FACP", "APIC", "GTDT", "SPCR", "PPTT" }.Select(s => set[s].Address), pointed);

        var fadt = set["FACP"].Bytes;
        Assert.Equal(set["DSDT"].Address, fadt.U64(Fadt.XDsdtOffset));
        Assert.Equal(0u, fadt.U32(40)); // 32-bit DSDT pointer unused
    }

    [Fact]
    public void Tables_do_not_overlap()
    {
        var set = AcpiTableSetBuilder.Build(TestPlatforms.Create(4, 64), TestPlatforms.TablesBase);
        var ranges = set.Tables.Select(t => (Start: t.Address, End: t.Address + (ulong)t.Bytes.Length)).OrderBy(r => r.Start).ToArray();
        for (var i = 1; i < ranges.Length; i++)
        {
            Assert.True(ranges[i - 1].End <= ranges[i].Start);
        }

        Assert.True(ranges[^1].End <= set.BaseAddress + (ulong)set.Image.Length);
    }

    [Fact]
    public void Write_files_emits_one_lowercase_dat_per_table()
    {
        var set = AcpiTableSetBuilder.Build(TestPlatforms.Create(2, 8), TestPlatforms.TablesBase);
        var directory = Path.Combine(Path.GetTempPath(), "parkway-acpi-" + Guid.NewGuid().ToString("N"));
        try
        {
            var paths = set.WriteFiles(directory);
            Assert.Equal(ExpectedOrder.Select(s => s.ToLowerInvariant() + ".dat"), paths.Select(Path.GetFileName));
            Assert.Equal(set["DSDT"].Bytes, File.ReadAllBytes(Path.Combine(directory, "dsdt.dat")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_boot_cpu_that_is_not_enabled_at_boot_is_rejected()
    {
        var platform = TestPlatforms.Create(2, 4);
        platform = platform with { Cpus = [platform.Cpus[0] with { EnabledAtBoot = false }, .. platform.Cpus.Skip(1)] };
        Assert.Throws<ArgumentException>(() => AcpiTableSetBuilder.Build(platform, TestPlatforms.TablesBase));
    }

    [Fact]
    public void Misaligned_base_is_rejected() =>
        Assert.Throws<ArgumentException>(() => AcpiTableSetBuilder.Build(TestPlatforms.Create(1, 2), TestPlatforms.TablesBase + 4));

    [Fact]
    public void Topology_that_does_not_match_the_cpu_count_is_rejected()
    {
        var platform = TestPlatforms.Create(1, 4) with { Topology = (1, 1, 3, 1) };
        Assert.Throws<ArgumentException>(() => AcpiTableSetBuilder.Build(platform, TestPlatforms.TablesBase));
    }

    [Fact]
    public void Uids_must_equal_slot_indices()
    {
        var platform = TestPlatforms.Create(1, 2);
        platform = platform with { Cpus = [platform.Cpus[0], platform.Cpus[1] with { Uid = 5 }] };
        Assert.Throws<ArgumentException>(() => AcpiTableSetBuilder.Build(platform, TestPlatforms.TablesBase));
    }

    [Fact]
    public void A_platform_without_a_boot_cpu_is_rejected()
    {
        var platform = TestPlatforms.Create(1, 2);
        platform = platform with { Cpus = platform.Cpus.Select(c => c with { EnabledAtBoot = false }).ToArray() };
        Assert.Throws<ArgumentException>(() => AcpiTableSetBuilder.Build(platform, TestPlatforms.TablesBase));
    }
}
