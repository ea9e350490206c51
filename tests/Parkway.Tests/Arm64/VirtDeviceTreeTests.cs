using Parkway.Fdt;
using Parkway.Tests.Fakes;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Virtio.Description;

namespace Parkway.Tests.Arm64;

public sealed class VirtDeviceTreeTests
{
    private const ulong RamSize = 512UL << 20;
    private const ulong InitrdAddress = 0x5E00_0000;
    private const ulong InitrdSize = 0x12_3456;

    // MPIDRs as KVM resets them: Aff0 = id % 16, Aff1 = id / 16, bit 31 RES1; one with Aff3 set.
    private static readonly ulong[] Mpidrs = [0x8000_0000, 0x8000_0001, 0x8000_0101, 0x0000_0003_8001_0002];

    [Fact]
    public void The_blob_parses_and_has_the_virt_board_root()
    {
        FdtNode root = Parse(Slots(4));

        Assert.Equal("linux,dummy-virt", root.GetString("compatible"));
        Assert.Equal(2u, root.GetU32("#address-cells"));
        Assert.Equal(2u, root.GetU32("#size-cells"));
    }

    [Fact]
    public void Only_the_given_plugged_cpus_are_described()
    {
        CpuSlot[] slots = Slots(4);

        FdtNode root = Parse([slots[0], slots[2]]);

        FdtNode cpus = root.Find("/cpus")!;
        Assert.Equal(["cpu@0", "cpu@101"], cpus.Children.Select(static c => c.Name));
    }

    [Fact]
    public void Each_cpu_reg_is_its_mpidr_affinity_and_it_is_enabled_with_psci()
    {
        FdtNode root = Parse(Slots(4));

        FdtNode cpus = root.Find("/cpus")!;
        Assert.Equal(2u, cpus.GetU32("#address-cells"));
        Assert.Equal(0u, cpus.GetU32("#size-cells"));
        Assert.Equal(4, cpus.Children.Count);
        AssertCpu(root, "/cpus/cpu@0", 0, 0x0000_0000);
        AssertCpu(root, "/cpus/cpu@1", 0, 0x0000_0001);
        AssertCpu(root, "/cpus/cpu@101", 0, 0x0000_0101);
        // Aff3 goes to the high cell; the non-affinity bit 31 is dropped.
        AssertCpu(root, "/cpus/cpu@300010002", 3, 0x0001_0002);
    }

    [Fact]
    public void Psci_uses_hvc_and_offers_0_2()
    {
        FdtNode psci = Parse(Slots(1)).Find("/psci")!;

        Assert.Contains("arm,psci-0.2", psci.GetStrings("compatible"));
        Assert.Equal("hvc", psci.GetString("method"));
    }

    [Fact]
    public void The_gic_reg_covers_the_distributor_and_each_redistributor_region()
    {
        IReadOnlyList<RedistributorRegion> regions = VirtMemoryMap.RedistributorRegions(200);

        FdtNode root = Parse(Slots(2), regions);

        FdtNode gic = root.Find("/intc@8000000")!;
        Assert.Equal("arm,gic-v3", gic.GetString("compatible"));
        Assert.True(gic.Has("interrupt-controller"));
        Assert.Equal(3u, gic.GetU32("#interrupt-cells"));
        Assert.Equal(2u, gic.GetU32("#redistributor-regions"));
        Assert.Equal(
            new uint[]
            {
                0, 0x0800_0000, 0, 0x1_0000,
                0, 0x080A_0000, 0, 123 * 0x2_0000,
                0x40, 0, 0, 77 * 0x2_0000,
            },
            gic.GetCells("reg"));
        Assert.Equal(gic.GetU32("phandle"), root.GetU32("interrupt-parent"));
    }

    [Fact]
    public void A_small_machine_has_one_redistributor_region()
    {
        FdtNode gic = Parse(Slots(2), VirtMemoryMap.RedistributorRegions(8)).Find("/intc@8000000")!;

        Assert.Equal(1u, gic.GetU32("#redistributor-regions"));
        Assert.Equal(new uint[] { 0, 0x0800_0000, 0, 0x1_0000, 0, 0x080A_0000, 0, 8 * 0x2_0000 }, gic.GetCells("reg"));
    }

    [Fact]
    public void The_timer_lists_the_four_architected_ppis()
    {
        FdtNode timer = Parse(Slots(1)).Find("/timer")!;

        Assert.Equal("arm,armv8-timer", timer.GetString("compatible"));
        // <type=PPI, number, level-high> for secure, non-secure, virtual and hypervisor timers.
        Assert.Equal(new uint[] { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 }, timer.GetCells("interrupts"));
    }

    [Fact]
    public void The_uart_is_a_pl011_on_spi_1_and_is_the_stdout_path()
    {
        FdtNode root = Parse(Slots(1));

        string stdout = root.Find("/chosen")!.GetString("stdout-path");
        FdtNode uart = root.Find(stdout)!;
        Assert.Equal("/pl011@9000000", stdout);
        Assert.Equal(["arm,pl011", "arm,primecell"], uart.GetStrings("compatible"));
        Assert.Equal(new uint[] { 0, 0x0900_0000, 0, 0x1000 }, uart.GetCells("reg"));
        Assert.Equal(new uint[] { 0, 1, 4 }, uart.GetCells("interrupts"));
        uint clock = root.Find("/apb-pclk")!.GetU32("phandle");
        Assert.Equal(new[] { clock, clock }, uart.GetCells("clocks"));
    }

    [Fact]
    public void Chosen_carries_the_bootargs_and_the_initrd_range()
    {
        FdtNode chosen = Parse(Slots(1)).Find("/chosen")!;

        Assert.Equal("console=ttyAMA0 rdinit=/init", chosen.GetString("bootargs"));
        Assert.Equal(InitrdAddress, chosen.GetU64("linux,initrd-start"));
        Assert.Equal(InitrdAddress + InitrdSize, chosen.GetU64("linux,initrd-end"));
    }

    [Fact]
    public void Without_an_initrd_chosen_has_no_initrd_properties()
    {
        byte[] dtb = VirtDeviceTree.Build(new VirtDeviceTree.Inputs(
            VirtMemoryMap.RamBase, RamSize, Slots(1), VirtMemoryMap.RedistributorRegions(1), "quiet", 0, 0));

        FdtNode chosen = FdtReader.Parse(dtb).Find("/chosen")!;

        Assert.False(chosen.Has("linux,initrd-start"));
        Assert.False(chosen.Has("linux,initrd-end"));
    }

    [Fact]
    public void The_memory_node_describes_guest_ram()
    {
        FdtNode memory = Parse(Slots(1)).Find("/memory@40000000")!;

        Assert.Equal("memory", memory.GetString("device_type"));
        Assert.Equal(new uint[] { 0, 0x4000_0000, 0, 0x2000_0000 }, memory.GetCells("reg"));
    }

    [Fact]
    public void The_blob_fits_the_fdt_slot_even_for_512_plugged_cpus()
    {
        CpuSlot[] slots = [.. Enumerable.Range(0, 512).Select(static i => Slot(i, 0x8000_0000UL | ((uint)(i / 16) << 8) | (uint)(i % 16)))];

        byte[] dtb = VirtDeviceTree.Build(new VirtDeviceTree.Inputs(
            VirtMemoryMap.RamBase, RamSize, slots, VirtMemoryMap.RedistributorRegions(512), "console=ttyAMA0", 0, 0));

        Assert.True((ulong)dtb.Length <= Arm64BootLayout.FdtMaxSize);
        Assert.Equal(512, FdtReader.Parse(dtb).Find("/cpus")!.Children.Count);
    }

    [Fact]
    public void Virtio_transports_are_virtio_mmio_nodes_in_slot_order_with_edge_spis_and_dma_coherent()
    {
        VirtioMmioDeviceTreeNode[] nodes = [.. Enumerable.Range(0, 3).Select(static i => VirtioMmioDeviceTreeNode.For(VirtioMmioSlot.QemuVirt(i)))];
        FdtNode root = FdtReader.Parse(VirtDeviceTree.Build(new VirtDeviceTree.Inputs(
            VirtMemoryMap.RamBase, RamSize, Slots(1), VirtMemoryMap.RedistributorRegions(8), "console=hvc0", 0, 0, nodes)));

        Assert.Equal(
            ["virtio_mmio@a000000", "virtio_mmio@a000200", "virtio_mmio@a000400"],
            root.Children.Where(static c => c.Name.StartsWith("virtio_mmio@", StringComparison.Ordinal)).Select(static c => c.Name));
        FdtNode second = root.Find("/virtio_mmio@a000200")!;
        Assert.Equal("virtio,mmio", second.GetString("compatible"));
        Assert.Equal(new uint[] { 0, 0x0A00_0200, 0, 0x200 }, second.GetCells("reg"));
        Assert.Equal(new uint[] { 0, 17, 1 }, second.GetCells("interrupts"));
        Assert.True(second.Has("dma-coherent"));
    }

    [Fact]
    public void Without_virtio_devices_there_are_no_virtio_nodes()
    {
        Assert.DoesNotContain(Parse(Slots(1)).Children, static c => c.Name.StartsWith("virtio_mmio@", StringComparison.Ordinal));
    }

    private static void AssertCpu(FdtNode root, string path, uint high, uint low)
    {
        FdtNode? cpu = root.Find(path);
        Assert.True(cpu is not null, $"{path} is missing");
        Assert.Equal("cpu", cpu.GetString("device_type"));
        Assert.Equal("psci", cpu.GetString("enable-method"));
        Assert.Equal(new[] { high, low }, cpu.GetCells("reg"));
    }

    private static FdtNode Parse(IReadOnlyList<CpuSlot> plugged, IReadOnlyList<RedistributorRegion>? regions = null) =>
        FdtReader.Parse(VirtDeviceTree.Build(new VirtDeviceTree.Inputs(
            VirtMemoryMap.RamBase,
            RamSize,
            plugged,
            regions ?? VirtMemoryMap.RedistributorRegions(8),
            "console=ttyAMA0 rdinit=/init",
            InitrdAddress,
            InitrdSize)));

    private static CpuSlot[] Slots(int count) => [.. Mpidrs.Take(count).Select(static (mpidr, index) => Slot(index, mpidr))];

    private static CpuSlot Slot(int index, ulong mpidr)
    {
        // The device tree reads only the slot's MPIDR; the vCPU is a fake that is never run.
        return new CpuSlot(index, new CpuTopologyIds(0, 0, index, 0), new FakeVcpu(index), mpidr, isBootCpu: index == 0);
    }
}
