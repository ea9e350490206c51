using Parkway.Acpi.Arm64;
using Parkway.Acpi.Tables;

namespace Parkway.Acpi.Tests;

public class MadtTests
{
    [Fact]
    public void Gicc_fields_are_where_the_spec_puts_them()
    {
        var gicc = new MadtGicc(7, 7, MadtGiccFlags.OnlineCapable, 0x8000_0107, PerformanceInterruptGsiv: 23).ToBytes();
        Assert.Equal(80, gicc.Length);
        Assert.Equal(0x0B, gicc[0]);
        Assert.Equal(80, gicc[1]);
        Assert.Equal(7u, gicc.U32(4)); // CPU interface number
        Assert.Equal(7u, gicc.U32(8)); // ACPI processor UID
        Assert.Equal(8u, gicc.U32(12)); // Online Capable, not Enabled
        Assert.Equal(0u, gicc.U32(16)); // parking protocol
        Assert.Equal(23u, gicc.U32(20)); // PMU
        Assert.Equal(0UL, gicc.U64(24));
        Assert.Equal(0UL, gicc.U64(32));
        Assert.Equal(25u, gicc.U32(56)); // VGIC maintenance
        Assert.Equal(0UL, gicc.U64(60)); // GICR base: GICR structure used instead
        Assert.Equal(0x107UL, gicc.U64(68)); // MPIDR without bit 31
    }

    [Fact]
    public void Mpidr_keeps_aff3_and_drops_the_non_affinity_bits()
    {
        // Aff3 = 0x12, bit 31 (RES1), bit 30 (U) and bit 24 (MT) set, Aff2..Aff0 = 0x030405.
        var gicc = new MadtGicc(0, 0, MadtGiccFlags.Enabled, 0x12_C103_0405).ToBytes();
        Assert.Equal(0x12_0003_0405UL, gicc.U64(68));
    }

    [Fact]
    public void Madt_with_64_cpus_has_boot_cpus_enabled_and_the_rest_online_capable()
    {
        var platform = TestPlatforms.Create(bootCpus: 4, possibleCpus: 64);
        var madt = AcpiTableSetBuilder.Build(platform, TestPlatforms.TablesBase)["APIC"].Bytes;
        Assert.Equal(5, madt[8]);
        Assert.Equal(0u, madt.U32(36));
        Assert.Equal(0u, madt.U32(40));

        var subtables = TableReader.MadtSubtables(madt);
        Assert.Equal(44 + 24 + (64 * 80) + 16, madt.Length);
        Assert.Equal(madt.Length, subtables.Sum(s => s.Length) + 44);

        var gicd = Assert.Single(subtables, s => s.Type == 0x0C);
        Assert.Equal(24, gicd.Length);
        Assert.Equal(TestPlatforms.GicdBase, madt.U64(gicd.Offset + 8));
        Assert.Equal(3, madt[gicd.Offset + 20]);

        var giccs = subtables.Where(s => s.Type == 0x0B).ToList();
        Assert.Equal(64, giccs.Count);
        for (var i = 0; i < 64; i++)
        {
            var o = giccs[i].Offset;
            Assert.Equal(80, giccs[i].Length);
            Assert.Equal((uint)i, madt.U32(o + 4));
            Assert.Equal((uint)i, madt.U32(o + 8));
            Assert.Equal(i < 4 ? 1u : 8u, madt.U32(o + 12));
            Assert.Equal(TestPlatforms.KvmMpidr((uint)i) & MadtGicc.MpidrAffinityMask, madt.U64(o + 68));
            Assert.Equal(0UL, madt.U64(o + 60));
        }

        // KVM's vCPU 17 has Aff1 = 1, Aff0 = 1.
        Assert.Equal(0x101UL, madt.U64(giccs[17].Offset + 68));

        var gicr = Assert.Single(subtables, s => s.Type == 0x0E);
        Assert.Equal(16, gicr.Length);
        Assert.Equal(TestPlatforms.GicrBase, madt.U64(gicr.Offset + 4));
        Assert.Equal((uint)(64 * TestPlatforms.RedistributorStride), madt.U32(gicr.Offset + 12));
    }

    [Fact]
    public void One_gicr_structure_per_redistributor_region()
    {
        var platform = TestPlatforms.Create(1, 4);
        platform = platform with
        {
            Architecture = (Arm64AcpiPlatform)platform.Architecture with { GicRedistributorRegions = [(0x080A_0000, 0x4_0000), (0x1_0000_0000, 0x4_0000)] },
        };
        var madt = AcpiTableSetBuilder.Build(platform, TestPlatforms.TablesBase)["APIC"].Bytes;
        var gicrs = TableReader.MadtSubtables(madt).Where(s => s.Type == 0x0E).ToList();
        Assert.Equal(2, gicrs.Count);
        Assert.Equal(0x1_0000_0000UL, madt.U64(gicrs[1].Offset + 4));
    }

    [Fact]
    public void Performance_interrupt_is_published_when_configured()
    {
        var platform = TestPlatforms.Create(1, 2, performanceInterruptGsiv: 23);
        var madt = AcpiTableSetBuilder.Build(platform, TestPlatforms.TablesBase)["APIC"].Bytes;
        Assert.All(TableReader.MadtSubtables(madt).Where(s => s.Type == 0x0B), s => Assert.Equal(23u, madt.U32(s.Offset + 20)));
    }
}
