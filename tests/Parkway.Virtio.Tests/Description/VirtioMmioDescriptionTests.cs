using Parkway.Fdt;
using Parkway.Fdt.Tests;
using Parkway.Virtio.Description;
using Parkway.Virtio.Tests.Support;

namespace Parkway.Virtio.Tests.Description;

/// <summary>The QEMU virt slot layout and the FDT node, written the way the machine's builder will and read back by dtc.</summary>
public sealed class VirtioMmioDescriptionTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(0, 0x0a00_0000UL, 16u)]
    [InlineData(1, 0x0a00_0200UL, 17u)]
    [InlineData(31, 0x0a00_3e00UL, 47u)]
    public void Slots_follow_qemu_virt(int index, ulong expectedBase, uint expectedSpi)
    {
        VirtioMmioSlot slot = VirtioMmioSlot.QemuVirt(index);
        Assert.Equal(expectedBase, slot.BaseAddress);
        Assert.Equal(expectedSpi, slot.Spi);
        Assert.Equal(expectedSpi + 32, slot.InterruptId);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(32)]
    public void There_are_32_slots(int index) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => VirtioMmioSlot.QemuVirt(index));

    [Fact]
    public void Dtc_reads_the_nodes_back_without_warnings()
    {
        var fdt = new FdtBuilder();
        uint gic = fdt.AllocatePhandle();
        fdt.BeginNode(string.Empty)
            .PropertyString("compatible", "linux,dummy-virt")
            .PropertyU32("#address-cells", 2)
            .PropertyU32("#size-cells", 2)
            .PropertyU32("interrupt-parent", gic);
        fdt.BeginNode("intc@8000000")
            .PropertyString("compatible", "arm,gic-v3")
            .PropertyEmpty("interrupt-controller")
            .PropertyU32("#interrupt-cells", 3)
            .PropertyU32("#address-cells", 2) // as VirtDeviceTree writes it (dtc wants it on a provider)
            .PropertyCells("reg", 0, 0x0800_0000, 0, 0x1_0000)
            .PropertyU32("phandle", gic)
            .EndNode();
        foreach (int index in new[] { 0, 1, 31 })
        {
            Write(fdt, VirtioMmioDeviceTreeNode.For(VirtioMmioSlot.QemuVirt(index)));
        }

        fdt.EndNode();
        string blob = Path.Combine(_directory.Path, "virtio.dtb");
        File.WriteAllBytes(blob, fdt.Build());

        DtcTool.Result result = DtcTool.Run("-I", "dtb", "-O", "dts", "-o", "-", blob);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.True(result.StandardError.Length == 0, $"dtc printed warnings:\n{result.StandardError}");
        string dts = result.StandardOutput;
        Assert.Contains("virtio_mmio@a000000 {", dts, StringComparison.Ordinal);
        Assert.Contains("virtio_mmio@a003e00 {", dts, StringComparison.Ordinal);
        Assert.Equal(3, CountOf(dts, "compatible = \"virtio,mmio\";"));
        Assert.Equal(3, CountOf(dts, "dma-coherent;"));
        Assert.Contains("reg = <0x00 0xa000200 0x00 0x200>;", dts, StringComparison.Ordinal);
        Assert.Contains("interrupts = <0x00 0x11 0x01>;", dts, StringComparison.Ordinal);
        Assert.Contains("interrupts = <0x00 0x2f 0x01>;", dts, StringComparison.Ordinal);
    }

    /// <summary>What the machine's FDT builder does with the node description.</summary>
    private static void Write(FdtBuilder fdt, VirtioMmioDeviceTreeNode node)
    {
        fdt.BeginNode(node.NodeName)
            .PropertyString("compatible", node.Compatible)
            .PropertyCells("reg", [.. node.Reg])
            .PropertyCells("interrupts", [.. node.Interrupts]);
        if (node.DmaCoherent)
        {
            fdt.PropertyEmpty("dma-coherent");
        }

        fdt.EndNode();
    }

    private static int CountOf(string text, string value) =>
        (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;
}
