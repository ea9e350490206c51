using Parkway.Acpi;
using Parkway.Acpi.Arm64;
using Parkway.Machine.Config;
using Parkway.Virtio.Description;

namespace Parkway.Machine.Arm64;

/// <summary>
/// Describes the arm64 virt machine to the ACPI table builder: EVERY possible CPU gets a GICC and a
/// processor device (boot CPUs Enabled, the others Online Capable), the GICv3 with redistributor
/// regions for all of them, the PL011, the PL031 RTC, the GED and the CPU hotplug register block;
/// with a virtual PMU each GICC names its interrupt.
/// </summary>
public static class Arm64AcpiDescription
{
    /// <summary>Builds the description from the slots' architecture ids (index = slot).</summary>
    /// <param name="cpus">The CPU configuration.</param>
    /// <param name="archIds">Each slot's MPIDR.</param>
    /// <param name="virtioSlots">The virtio-mmio transports in use.</param>
    /// <param name="withPmu">Every GICC names the PMU interrupt (the vCPUs have a virtual PMUv3).</param>
    public static AcpiPlatform Describe(CpuConfig cpus, IReadOnlyList<ulong> archIds, IReadOnlyList<VirtioMmioSlot>? virtioSlots = null, bool withPmu = false)
    {
        if (archIds.Count != cpus.Max)
        {
            throw new ArgumentException($"expected {cpus.Max} architecture ids, got {archIds.Count}", nameof(archIds));
        }

        var described = new List<AcpiCpu>(cpus.Max);
        for (int slot = 0; slot < cpus.Max; slot++)
        {
            CpuTopologyIds ids = cpus.Topology.IdsOf(slot);
            // A hot-pluggable boot CPU is Online Capable like any other (so the guest may eject it);
            // its _STA says enabled from the start, and Linux brings it up at boot all the same.
            bool fixedAtBoot = cpus.IsFixedBootCpu(slot);
            described.Add(new AcpiCpu((uint)slot, archIds[slot], EnabledAtBoot: fixedAtBoot, IsBootCpu: fixedAtBoot,
                (uint)ids.SocketId, (uint)ids.ClusterId, (uint)ids.CoreId, (uint)ids.ThreadId));
        }

        return new AcpiPlatform(
            described,
            ((uint)cpus.Topology.Sockets, (uint)cpus.Topology.Clusters, (uint)cpus.Topology.Cores, (uint)cpus.Topology.Threads),
            VirtMemoryMap.GedBase,
            VirtMemoryMap.SpiToInterruptId(VirtMemoryMap.GedSpi),
            VirtMemoryMap.CpuHotplugBase,
            new Arm64AcpiPlatform(
                VirtMemoryMap.GicDistributorBase,
                [.. VirtMemoryMap.RedistributorRegions(cpus.Max).Select(static r => (r.Base, r.Length))],
                VirtMemoryMap.UartBase,
                VirtMemoryMap.SpiToInterruptId(VirtMemoryMap.UartSpi))
            {
                VirtioMmioDevices = [.. (virtioSlots ?? []).Select(static s => ((uint)s.Index, s.BaseAddress, s.InterruptId))],
                Rtc = (VirtMemoryMap.RtcBase, VirtMemoryMap.SpiToInterruptId(VirtMemoryMap.RtcSpi)),
                PerformanceInterruptGsiv = withPmu ? (uint)VirtualPmu.InterruptId : 0,
            });
    }

    /// <summary>The description with the MPIDRs KVM will assign, for tools that do not build a VM.</summary>
    public static AcpiPlatform DescribePredicted(CpuConfig cpus) =>
        Describe(cpus, [.. Enumerable.Range(0, cpus.Max).Select(KvmMpidr.ForVcpuId)]);
}
