namespace Parkway.Virtio.Description;

/// <summary>
/// The flattened-device-tree node of one virtio-mmio transport, as data for the machine's FDT
/// builder (this project does not depend on Parkway.Fdt). It belongs directly under the root,
/// whose #address-cells and #size-cells are 2, with the GIC (3 interrupt cells) as interrupt
/// parent. The builder writes, in order:
/// <code>
/// BeginNode(NodeName).PropertyString("compatible", Compatible).PropertyCells("reg", Reg)
///     .PropertyCells("interrupts", Interrupts); if (DmaCoherent) PropertyEmpty("dma-coherent"); EndNode()
/// </code>
/// </summary>
/// <param name="NodeName">"virtio_mmio@a000000" (QEMU's spelling).</param>
/// <param name="Compatible">"virtio,mmio" (Documentation/devicetree/bindings/virtio/mmio.yaml).</param>
/// <param name="Reg">Base and size as two 2-cell numbers.</param>
/// <param name="Interrupts">GIC specifier: SPI (0), SPI number, flags (1 = edge rising; see <see cref="EdgeRising"/>).</param>
/// <param name="DmaCoherent">Guest memory accesses by the device are cache-coherent (always true for a VMM).</param>
public sealed record VirtioMmioDeviceTreeNode(string NodeName, string Compatible, IReadOnlyList<uint> Reg, IReadOnlyList<uint> Interrupts, bool DmaCoherent)
{
    /// <summary>GIC interrupt specifier type of an SPI.</summary>
    public const uint SpiType = 0;

    /// <summary>
    /// IRQ_TYPE_EDGE_RISING: the interrupt is raised through KVM_IRQFD, which pulses the line, so it
    /// must be edge-triggered (as QEMU virt's virtio-mmio nodes are).
    /// </summary>
    public const uint EdgeRising = 1;

    /// <summary>The node for <paramref name="slot"/>.</summary>
    public static VirtioMmioDeviceTreeNode For(VirtioMmioSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ulong size = VirtioMmioSlot.WindowSize;
        return new VirtioMmioDeviceTreeNode(
            $"virtio_mmio@{slot.BaseAddress:x}",
            "virtio,mmio",
            [(uint)(slot.BaseAddress >> 32), (uint)slot.BaseAddress, (uint)(size >> 32), (uint)size],
            [SpiType, slot.Spi, EdgeRising],
            DmaCoherent: true);
    }
}
