namespace Parkway.Machine.Arm64;

/// <summary>
/// Guest physical layout of Parkway's arm64 "virt" machine. Addresses follow QEMU's virt board
/// where it has one, so guests and tools that know that board find familiar places.
/// </summary>
public static class VirtMemoryMap
{
    /// <summary>GICv3 distributor (64 KiB).</summary>
    public const ulong GicDistributorBase = 0x0800_0000;
    /// <summary>Size of the distributor frame.</summary>
    public const ulong GicDistributorSize = 0x1_0000;

    /// <summary>First redistributor region (QEMU VIRT_GIC_REDIST): room for 123 CPUs.</summary>
    public const ulong GicRedistributorLowBase = 0x080A_0000;
    /// <summary>Size of the first redistributor region.</summary>
    public const ulong GicRedistributorLowSize = 0x00F6_0000;

    /// <summary>Second redistributor region (QEMU VIRT_HIGH_GIC_REDIST2) for CPUs beyond the first 123.</summary>
    public const ulong GicRedistributorHighBase = 0x40_0000_0000;
    /// <summary>Size of the second redistributor region (512 CPUs).</summary>
    public const ulong GicRedistributorHighSize = 0x400_0000;

    /// <summary>Each CPU's redistributor: RD_base + SGI_base frames (KVM_VGIC_V3_REDIST_SIZE).</summary>
    public const ulong RedistributorSize = 0x2_0000;

    /// <summary>PL011 UART.</summary>
    public const ulong UartBase = 0x0900_0000;
    /// <summary>PL011 register window.</summary>
    public const ulong UartSize = 0x1000;
    /// <summary>PL011 interrupt: SPI 1.</summary>
    public const uint UartSpi = 1;

    /// <summary>PL031 real-time clock (QEMU VIRT_RTC).</summary>
    public const ulong RtcBase = 0x0901_0000;
    /// <summary>PL031 register window.</summary>
    public const ulong RtcSize = 0x1000;
    /// <summary>PL031 interrupt: SPI 2.</summary>
    public const uint RtcSpi = 2;

    /// <summary>Stolen-time structures (QEMU VIRT_PVTIME), outside RAM; up to the CPU hotplug block.</summary>
    public const ulong PvtimeBase = 0x090A_0000;
    /// <summary>Room for the stolen-time region (2048 vCPUs of 64 bytes).</summary>
    public const ulong PvtimeSize = 0x2_0000;

    /// <summary>ACPI Generic Event Device (QEMU VIRT_ACPI_GED).</summary>
    public const ulong GedBase = 0x0908_0000;
    /// <summary>GED register window.</summary>
    public const ulong GedSize = 0x4;
    /// <summary>GED interrupt: SPI 9.</summary>
    public const uint GedSpi = 9;

    /// <summary>ACPI CPU hotplug register block (QEMU's later arm RFCs' VIRT_CPUHP_ACPI).</summary>
    public const ulong CpuHotplugBase = 0x090C_0000;
    /// <summary>CPU hotplug register block length.</summary>
    public const ulong CpuHotplugSize = 0xC;

    /// <summary>Start of RAM (1 GiB; 2 MiB aligned as the arm64 boot protocol wants).</summary>
    public const ulong RamBase = 0x4000_0000;
    /// <summary>RAM must end below the high redistributor region.</summary>
    public const ulong RamLimit = GicRedistributorHighBase;

    /// <summary>Number of SPIs the vGIC is given (interrupt ids 32..32+N-1).</summary>
    public const uint SpiCount = 96;

    /// <summary>GIC interrupt id of an SPI (SPIs start at 32).</summary>
    public static uint SpiToInterruptId(uint spi) => 32 + spi;

    /// <summary>
    /// The redistributor regions needed for <paramref name="cpuCount"/> CPUs: the low region first,
    /// then the high one. KVM fills regions with redistributors in vCPU creation order.
    /// </summary>
    public static IReadOnlyList<RedistributorRegion> RedistributorRegions(int cpuCount)
    {
        int lowCapacity = (int)(GicRedistributorLowSize / RedistributorSize);
        var regions = new List<RedistributorRegion>
        {
            new(GicRedistributorLowBase, Math.Min(cpuCount, lowCapacity)),
        };
        if (cpuCount > lowCapacity)
        {
            regions.Add(new RedistributorRegion(GicRedistributorHighBase, cpuCount - lowCapacity));
        }

        return regions;
    }
}

/// <summary>A contiguous run of <paramref name="Count"/> redistributors starting at <paramref name="Base"/>.</summary>
public readonly record struct RedistributorRegion(ulong Base, int Count)
{
    /// <summary>Bytes covered.</summary>
    public ulong Length => (ulong)Count * VirtMemoryMap.RedistributorSize;
}
