namespace Parkway.Fdt.Tests;

/// <summary>
/// A realistic arm64 "virt" tree of the kind the machine code emits (Devicetree nodes per
/// design-facts §4.7 plus the EFI handoff properties in /chosen), shared by the round-trip and the
/// dtc cross-check tests.
/// </summary>
internal static class SampleArm64Tree
{
    public const uint GicPhandle = 1;
    public const uint ClockPhandle = 2;
    public const int CpuCount = 4;

    public static byte[] Build()
    {
        var fdt = new FdtBuilder();
        uint gic = fdt.AllocatePhandle();
        uint clock = fdt.AllocatePhandle();

        fdt.AddMemoryReservation(0x4800_0000, 0x1_0000);
        fdt.BeginNode("")
            .PropertyString("compatible", "linux,dummy-virt")
            .PropertyU32("#address-cells", 2)
            .PropertyU32("#size-cells", 2)
            .PropertyU32("interrupt-parent", gic);

        fdt.BeginNode("cpus").PropertyU32("#address-cells", 1).PropertyU32("#size-cells", 0);
        for (uint cpu = 0; cpu < CpuCount; cpu++)
        {
            fdt.BeginNode($"cpu@{cpu:x}")
                .PropertyString("device_type", "cpu")
                .PropertyString("compatible", "arm,arm-v8")
                .PropertyString("enable-method", "psci")
                .PropertyU32("reg", cpu)
                .EndNode();
        }

        fdt.EndNode();

        fdt.BeginNode("psci").PropertyStrings("compatible", "arm,psci-1.0", "arm,psci-0.2").PropertyString("method", "hvc").EndNode();

        fdt.BeginNode("intc@8000000")
            .PropertyString("compatible", "arm,gic-v3")
            .PropertyEmpty("interrupt-controller")
            .PropertyU32("#interrupt-cells", 3)
            // dtc (interrupt_provider check) wants #address-cells on every interrupt controller.
            .PropertyU32("#address-cells", 2)
            .PropertyU32("#size-cells", 2)
            .PropertyEmpty("ranges")
            .PropertyCells("reg", 0, 0x0800_0000, 0, 0x1_0000, 0, 0x080A_0000, 0, 0x00F6_0000)
            .PropertyCells("interrupts", 1, 9, 4)
            .PropertyU32("phandle", gic)
            .EndNode();

        fdt.BeginNode("timer")
            .PropertyString("compatible", "arm,armv8-timer")
            .PropertyEmpty("always-on")
            .PropertyCells("interrupts", 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4)
            .EndNode();

        fdt.BeginNode("apb-pclk")
            .PropertyString("compatible", "fixed-clock")
            .PropertyU32("#clock-cells", 0)
            .PropertyU32("clock-frequency", 24_000_000)
            .PropertyU32("phandle", clock)
            .EndNode();

        fdt.BeginNode("pl011@9000000")
            .PropertyStrings("compatible", "arm,pl011", "arm,primecell")
            .PropertyCells("reg", 0, 0x0900_0000, 0, 0x1000)
            .PropertyCells("interrupts", 0, 1, 4)
            .PropertyU32("clocks", clock)
            .PropertyString("clock-names", "apb_pclk")
            .EndNode();

        fdt.BeginNode("memory@40000000")
            .PropertyString("device_type", "memory")
            .PropertyCells("reg", 0, 0x4000_0000, 0, 0x2000_0000)
            .EndNode();

        fdt.BeginNode("chosen")
            .PropertyString("bootargs", "console=ttyAMA0 earlycon quiet")
            .PropertyString("stdout-path", "/pl011@9000000")
            .PropertyU64("linux,initrd-start", 0x4400_0000)
            .PropertyU64("linux,initrd-end", 0x4480_0000)
            .PropertyU64("linux,uefi-system-table", 0x4800_0000)
            .PropertyU64("linux,uefi-mmap-start", 0x4800_1000)
            .PropertyU32("linux,uefi-mmap-size", 3 * 48)
            .PropertyU32("linux,uefi-mmap-desc-size", 48)
            .PropertyU32("linux,uefi-mmap-desc-ver", 1)
            .PropertyU32("linux,uefi-secure-boot", 2)
            .EndNode();

        return fdt.EndNode().Build(bootCpuId: 0);
    }
}
