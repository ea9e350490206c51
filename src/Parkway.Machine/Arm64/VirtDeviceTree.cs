using Parkway.Fdt;
using Parkway.Machine.Cpu;
using Parkway.Virtio.Description;

namespace Parkway.Machine.Arm64;

/// <summary>
/// Builds the flattened device tree of the arm64 virt machine for FDT (non-ACPI) boot: memory,
/// the plugged CPUs with their MPIDRs, PSCI, the GICv3 with its redistributor regions, the arch
/// timer, the PMU (when the vCPUs have one), the PL011, the PL031 RTC and /chosen. Node names and properties follow QEMU's virt board.
/// </summary>
public static class VirtDeviceTree
{
    private const uint SpiType = 0, PpiType = 1;
    private const uint LevelHigh = 4;

    /// <summary>Inputs of the tree.</summary>
    public sealed record Inputs(
        ulong RamBase,
        ulong RamSize,
        IReadOnlyList<CpuSlot> PluggedCpus,
        IReadOnlyList<RedistributorRegion> RedistributorRegions,
        string Bootargs,
        ulong InitrdAddress,
        ulong InitrdSize,
        IReadOnlyList<VirtioMmioDeviceTreeNode>? VirtioDevices = null,
        bool Pmu = false);

    /// <summary>Returns the DTB bytes.</summary>
    public static byte[] Build(Inputs inputs)
    {
        var fdt = new FdtBuilder();
        uint gicPhandle = fdt.AllocatePhandle();
        uint clockPhandle = fdt.AllocatePhandle();
        string uartNode = $"pl011@{VirtMemoryMap.UartBase:x}";

        fdt.BeginNode(string.Empty)
            .PropertyString("compatible", "linux,dummy-virt")
            .PropertyString("model", "Parkway arm64 virt")
            .PropertyU32("#address-cells", 2)
            .PropertyU32("#size-cells", 2)
            .PropertyU32("interrupt-parent", gicPhandle);

        fdt.BeginNode("chosen").PropertyString("bootargs", inputs.Bootargs).PropertyString("stdout-path", "/" + uartNode);
        AddInitrd(fdt, inputs.InitrdAddress, inputs.InitrdSize);
        fdt.EndNode();

        fdt.BeginNode($"memory@{inputs.RamBase:x}")
            .PropertyString("device_type", "memory")
            .PropertyCells("reg", Hi(inputs.RamBase), Lo(inputs.RamBase), Hi(inputs.RamSize), Lo(inputs.RamSize))
            .EndNode();

        fdt.BeginNode("cpus").PropertyU32("#address-cells", 2).PropertyU32("#size-cells", 0);
        foreach (CpuSlot cpu in inputs.PluggedCpus)
        {
            // reg is the MPIDR affinity fields (Aff3 in the high cell, Aff2..Aff0 in the low cell).
            ulong affinity = cpu.ArchId & 0xFF_00FF_FFFF;
            fdt.BeginNode($"cpu@{affinity:x}")
                .PropertyString("device_type", "cpu")
                .PropertyString("compatible", "arm,arm-v8")
                .PropertyString("enable-method", "psci")
                .PropertyCells("reg", Hi(affinity), Lo(affinity))
                .EndNode();
        }

        fdt.EndNode();

        fdt.BeginNode("psci")
            .PropertyStrings("compatible", "arm,psci-1.0", "arm,psci-0.2")
            .PropertyString("method", "hvc")
            .EndNode();

        var gicReg = new List<uint> { Hi(VirtMemoryMap.GicDistributorBase), Lo(VirtMemoryMap.GicDistributorBase), 0, (uint)VirtMemoryMap.GicDistributorSize };
        foreach (RedistributorRegion region in inputs.RedistributorRegions)
        {
            gicReg.AddRange([Hi(region.Base), Lo(region.Base), Hi(region.Length), Lo(region.Length)]);
        }

        fdt.BeginNode($"intc@{VirtMemoryMap.GicDistributorBase:x}")
            .PropertyString("compatible", "arm,gic-v3")
            .PropertyEmpty("interrupt-controller")
            .PropertyU32("#interrupt-cells", 3)
            // dtc wants these on an interrupt provider even without children (QEMU emits them too).
            .PropertyU32("#address-cells", 2)
            .PropertyU32("#size-cells", 2)
            .PropertyEmpty("ranges")
            .PropertyCells("reg", [.. gicReg])
            .PropertyU32("#redistributor-regions", (uint)inputs.RedistributorRegions.Count)
            .PropertyCells("interrupts", PpiType, 9, LevelHigh)
            .PropertyU32("phandle", gicPhandle)
            .EndNode();

        // Secure EL1, non-secure EL1, virtual and EL2 timer PPIs (GTDT uses the same numbers + 16).
        fdt.BeginNode("timer")
            .PropertyString("compatible", "arm,armv8-timer")
            .PropertyEmpty("always-on")
            .PropertyCells("interrupts", PpiType, 13, LevelHigh, PpiType, 14, LevelHigh, PpiType, 11, LevelHigh, PpiType, 10, LevelHigh)
            .EndNode();

        if (inputs.Pmu)
        {
            // GICv3: no CPU mask in the PPI's flags (QEMU virt's node).
            fdt.BeginNode("pmu")
                .PropertyString("compatible", "arm,armv8-pmuv3")
                .PropertyCells("interrupts", PpiType, VirtualPmu.Ppi, LevelHigh)
                .EndNode();
        }

        fdt.BeginNode("apb-pclk")
            .PropertyString("compatible", "fixed-clock")
            .PropertyU32("#clock-cells", 0)
            .PropertyU32("clock-frequency", 24_000_000)
            .PropertyString("clock-output-names", "clk24mhz")
            .PropertyU32("phandle", clockPhandle)
            .EndNode();

        fdt.BeginNode(uartNode)
            .PropertyStrings("compatible", "arm,pl011", "arm,primecell")
            .PropertyCells("reg", Hi(VirtMemoryMap.UartBase), Lo(VirtMemoryMap.UartBase), 0, (uint)VirtMemoryMap.UartSize)
            .PropertyCells("interrupts", SpiType, VirtMemoryMap.UartSpi, LevelHigh)
            .PropertyCells("clocks", clockPhandle, clockPhandle)
            .PropertyStrings("clock-names", "uartclk", "apb_pclk")
            .EndNode();

        fdt.BeginNode($"pl031@{VirtMemoryMap.RtcBase:x}")
            .PropertyStrings("compatible", "arm,pl031", "arm,primecell")
            .PropertyCells("reg", Hi(VirtMemoryMap.RtcBase), Lo(VirtMemoryMap.RtcBase), 0, (uint)VirtMemoryMap.RtcSize)
            .PropertyCells("interrupts", SpiType, VirtMemoryMap.RtcSpi, LevelHigh)
            .PropertyU32("clocks", clockPhandle)
            .PropertyString("clock-names", "apb_pclk")
            .EndNode();

        // In slot order, so the guest probes slot 0 first (vda is the first --disk).
        foreach (VirtioMmioDeviceTreeNode virtio in inputs.VirtioDevices ?? [])
        {
            fdt.BeginNode(virtio.NodeName)
                .PropertyString("compatible", virtio.Compatible)
                .PropertyCells("reg", [.. virtio.Reg])
                .PropertyCells("interrupts", [.. virtio.Interrupts]);
            if (virtio.DmaCoherent)
            {
                fdt.PropertyEmpty("dma-coherent");
            }

            fdt.EndNode();
        }

        fdt.EndNode();
        return fdt.Build();
    }

    /// <summary>/chosen's initrd range (booting.rst), when there is an initrd.</summary>
    internal static void AddInitrd(FdtBuilder fdt, ulong address, ulong size)
    {
        if (size > 0)
        {
            fdt.PropertyU64("linux,initrd-start", address).PropertyU64("linux,initrd-end", address + size);
        }
    }

    private static uint Hi(ulong value) => (uint)(value >> 32);

    private static uint Lo(ulong value) => (uint)value;
}
