namespace Parkway.Fdt.Tests;

public class FdtRoundTripTests
{
    private readonly FdtDocument _document = FdtReader.ParseDocument(SampleArm64Tree.Build());

    [Fact]
    public void Root_properties_survive()
    {
        FdtNode root = _document.Root;

        Assert.Equal("", root.Name);
        Assert.Equal("linux,dummy-virt", root.GetString("compatible"));
        Assert.Equal(2u, root.GetU32("#address-cells"));
        Assert.Equal(2u, root.GetU32("#size-cells"));
        Assert.Equal(SampleArm64Tree.GicPhandle, root.GetU32("interrupt-parent"));
    }

    [Fact]
    public void Children_keep_their_order()
    {
        Assert.Equal(
            ["cpus", "psci", "intc@8000000", "timer", "apb-pclk", "pl011@9000000", "memory@40000000", "chosen"],
            _document.Root.Children.Select(child => child.Name));
        Assert.Equal(
            Enumerable.Range(0, SampleArm64Tree.CpuCount).Select(cpu => $"cpu@{cpu:x}"),
            _document.Root.Find("/cpus")!.Children.Select(child => child.Name));
    }

    [Fact]
    public void Nodes_are_found_by_path()
    {
        FdtNode cpu2 = _document.Root.Find("/cpus/cpu@2") ?? throw new Xunit.Sdk.XunitException("cpu@2 missing");

        Assert.Equal("cpu@2", cpu2.Name);
        Assert.Equal(2u, cpu2.GetU32("reg"));
        Assert.Equal("psci", cpu2.GetString("enable-method"));
        Assert.Same(cpu2, _document.Root.Find("cpus/cpu@2"));
        Assert.Same(cpu2, _document.Root.Find("/cpus")!.Find("cpu@2"));
        Assert.Same(_document.Root, _document.Root.Find("/"));
        Assert.Null(_document.Root.Find("/cpus/cpu@9"));
        Assert.Null(_document.Root.Find("/cpus/cpu")); // unit addresses must match exactly
    }

    [Fact]
    public void Cells_strings_and_flags_survive()
    {
        FdtNode gic = _document.Root.Find("/intc@8000000")!;
        FdtNode uart = _document.Root.Find("/pl011@9000000")!;
        FdtNode psci = _document.Root.Find("/psci")!;

        Assert.True(gic.Has("interrupt-controller"));
        Assert.Empty(gic.Properties["interrupt-controller"]);
        Assert.False(gic.Has("msi-controller"));
        Assert.Equal([0u, 0x0800_0000u, 0u, 0x1_0000u, 0u, 0x080A_0000u, 0u, 0x00F6_0000u], gic.GetCells("reg"));
        Assert.Equal(["arm,pl011", "arm,primecell"], uart.GetStrings("compatible"));
        Assert.Equal(["arm,psci-1.0", "arm,psci-0.2"], psci.GetStrings("compatible"));
        Assert.Equal(SampleArm64Tree.ClockPhandle, uart.GetU32("clocks"));
    }

    [Fact]
    public void Chosen_efi_handoff_properties_survive()
    {
        FdtNode chosen = _document.Root.Find("/chosen")!;

        Assert.Equal("console=ttyAMA0 earlycon quiet", chosen.GetString("bootargs"));
        Assert.Equal(0x4800_0000ul, chosen.GetU64("linux,uefi-system-table"));
        Assert.Equal(0x4800_1000ul, chosen.GetU64("linux,uefi-mmap-start"));
        Assert.Equal(144u, chosen.GetU32("linux,uefi-mmap-size"));
        Assert.Equal(48u, chosen.GetU32("linux,uefi-mmap-desc-size"));
        Assert.Equal(1u, chosen.GetU32("linux,uefi-mmap-desc-ver"));
        Assert.Equal(2u, chosen.GetU32("linux,uefi-secure-boot"));
        Assert.Equal(0x4480_0000ul, chosen.GetU64("linux,initrd-end"));
    }

    [Fact]
    public void Header_and_memory_reservations_survive()
    {
        Assert.Equal([new FdtMemoryReservation(0x4800_0000, 0x1_0000)], _document.MemoryReservations);
        Assert.Equal(17u, _document.Header.Version);
        Assert.Equal(16u, _document.Header.LastCompatibleVersion);
        Assert.Equal(0u, _document.Header.BootCpuId);
    }

    [Fact]
    public void Tiny_tree_parses_to_what_was_built()
    {
        FdtDocument tiny = FdtReader.ParseDocument(TinyTree.ExpectedBytes);

        Assert.Equal(3u, tiny.Header.BootCpuId);
        Assert.Equal(148u, tiny.Header.TotalSize);
        Assert.Equal([new FdtMemoryReservation(0x1000, 0x2000)], tiny.MemoryReservations);
        Assert.Equal(0x12345678u, tiny.Root.GetU32("a"));
        FdtNode b = Assert.Single(tiny.Root.Children);
        Assert.Equal("b", b.Name);
        Assert.Empty(b.Properties["a"]);
        Assert.Equal("hi", b.GetString("s"));
    }
}
