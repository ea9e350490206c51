namespace Parkway.Acpi;

/// <summary>Everything the table builder needs to know about the machine.</summary>
/// <param name="Cpus">Every possible CPU, in slot order.</param>
/// <param name="Topology">Sockets × clusters × cores × threads; the product must equal the CPU count.</param>
/// <param name="GicDistributorBase">GICv3 distributor MMIO base.</param>
/// <param name="GicRedistributorRegions">Redistributor ranges covering all possible CPUs.</param>
/// <param name="UartBase">PL011 MMIO base (below 4 GiB).</param>
/// <param name="UartGsiv">PL011 interrupt (SPI n = GSIV 32 + n).</param>
/// <param name="GedBase">Generic Event Device event-selector MMIO base (4 bytes).</param>
/// <param name="GedGsiv">GED interrupt (edge).</param>
/// <param name="CpuHotplugBase">CPU hotplug register block MMIO base (12 bytes).</param>
public sealed record AcpiPlatform(
    IReadOnlyList<AcpiCpu> Cpus,
    (uint Sockets, uint Clusters, uint Cores, uint Threads) Topology,
    ulong GicDistributorBase,
    IReadOnlyList<(ulong Base, ulong Length)> GicRedistributorRegions,
    ulong UartBase,
    uint UartGsiv,
    ulong GedBase,
    uint GedGsiv,
    ulong CpuHotplugBase)
{
    /// <summary>PMU interrupt for every GICC (e.g. 23); 0 = no PMU described.</summary>
    public uint PerformanceInterruptGsiv { get; init; }

    /// <summary>SPCR baud rate code: 7 = 115200 (default), 0 = as is.</summary>
    public byte SerialBaudRate { get; init; } = Tables.Spcr.BaudRate115200;
}
