using Parkway.Machine.Arm64;

namespace Parkway.Tests.Arm64;

public sealed class VirtMemoryMapTests
{
    private const ulong RedistributorSize = 0x2_0000; // RD_base + SGI_base frames, 64 KiB each.

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(123)]
    public void Up_to_123_cpus_fit_in_the_low_region_alone(int cpus)
    {
        IReadOnlyList<RedistributorRegion> regions = VirtMemoryMap.RedistributorRegions(cpus);

        RedistributorRegion only = Assert.Single(regions);
        Assert.Equal(0x080A_0000UL, only.Base);
        Assert.Equal(cpus, only.Count);
        Assert.Equal((ulong)cpus * RedistributorSize, only.Length);
    }

    [Theory]
    [InlineData(124, 1)]
    [InlineData(512, 389)]
    public void Cpus_beyond_123_spill_into_the_high_region(int cpus, int inHighRegion)
    {
        IReadOnlyList<RedistributorRegion> regions = VirtMemoryMap.RedistributorRegions(cpus);

        Assert.Equal(2, regions.Count);
        Assert.Equal(new RedistributorRegion(0x080A_0000, 123), regions[0]);
        Assert.Equal(new RedistributorRegion(0x40_0000_0000, inHighRegion), regions[1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(123)]
    [InlineData(124)]
    [InlineData(512)]
    public void Regions_hold_exactly_one_redistributor_per_cpu_inside_their_windows(int cpus)
    {
        IReadOnlyList<RedistributorRegion> regions = VirtMemoryMap.RedistributorRegions(cpus);

        Assert.Equal(cpus, regions.Sum(static r => r.Count));
        Assert.True(regions[0].Length <= VirtMemoryMap.GicRedistributorLowSize);
        if (regions.Count > 1)
        {
            Assert.True(regions[1].Length <= VirtMemoryMap.GicRedistributorHighSize);
        }
    }

    [Fact]
    public void The_full_low_region_ends_before_the_uart()
    {
        RedistributorRegion low = VirtMemoryMap.RedistributorRegions(123)[0];

        Assert.True(low.Base + low.Length <= VirtMemoryMap.UartBase);
        Assert.True(low.Base >= VirtMemoryMap.GicDistributorBase + VirtMemoryMap.GicDistributorSize);
    }

    [Fact]
    public void Device_windows_and_ram_do_not_overlap()
    {
        RedistributorRegion[] regions = [.. VirtMemoryMap.RedistributorRegions(512)];
        (string Name, ulong Base, ulong Size)[] windows =
        [
            ("distributor", VirtMemoryMap.GicDistributorBase, VirtMemoryMap.GicDistributorSize),
            ("redistributors low", regions[0].Base, regions[0].Length),
            ("redistributors high", regions[1].Base, regions[1].Length),
            ("uart", VirtMemoryMap.UartBase, VirtMemoryMap.UartSize),
            ("ged", VirtMemoryMap.GedBase, VirtMemoryMap.GedSize),
            ("cpu hotplug", VirtMemoryMap.CpuHotplugBase, VirtMemoryMap.CpuHotplugSize),
            ("ram (largest)", VirtMemoryMap.RamBase, VirtMemoryMap.RamLimit - VirtMemoryMap.RamBase),
        ];

        for (int i = 0; i < windows.Length; i++)
        {
            for (int j = i + 1; j < windows.Length; j++)
            {
                bool overlap = windows[i].Base < windows[j].Base + windows[j].Size && windows[j].Base < windows[i].Base + windows[i].Size;
                Assert.False(overlap, $"{windows[i].Name} overlaps {windows[j].Name}");
            }
        }
    }

    [Fact]
    public void Ram_base_is_2_MiB_aligned_for_the_arm64_boot_protocol()
    {
        Assert.Equal(0UL, VirtMemoryMap.RamBase % (2UL << 20));
    }

    [Theory]
    [InlineData(0u, 32u)]
    [InlineData(1u, 33u)]
    [InlineData(9u, 41u)]
    public void Spi_numbers_map_to_gic_interrupt_ids_from_32(uint spi, uint interruptId)
    {
        Assert.Equal(interruptId, VirtMemoryMap.SpiToInterruptId(spi));
    }
}
