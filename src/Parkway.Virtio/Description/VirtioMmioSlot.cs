namespace Parkway.Virtio.Description;

/// <summary>
/// Where one virtio-mmio transport sits: its register window and its SPI. Slots follow QEMU
/// virt (VIRT_MMIO: 32 windows of 0x200 bytes from 0x0a00_0000, SPIs 16..47), so guests and
/// tools that know that board find the devices where they expect them.
/// </summary>
/// <param name="Index">Slot number (also the ACPI _UID).</param>
/// <param name="BaseAddress">Guest physical address of the register window.</param>
/// <param name="Spi">SPI number (GIC interrupt id = 32 + Spi; the KVM_IRQFD GSI on arm64).</param>
public sealed record VirtioMmioSlot(int Index, ulong BaseAddress, uint Spi)
{
    /// <summary>First window (QEMU virt's VIRT_MMIO base).</summary>
    public const ulong QemuVirtBase = 0x0a00_0000;
    /// <summary>Distance between windows.</summary>
    public const ulong Stride = 0x200;
    /// <summary>SPI of slot 0.</summary>
    public const uint FirstSpi = 16;
    /// <summary>Number of slots QEMU virt has (NUM_VIRTIO_TRANSPORTS).</summary>
    public const int Count = 32;

    /// <summary>Size of the register window.</summary>
    public static ulong WindowSize => Transport.VirtioMmioRegisters.WindowSize;

    /// <summary>GIC interrupt id (what ACPI's Interrupt descriptor lists).</summary>
    public uint InterruptId => 32 + Spi;

    /// <summary>Slot <paramref name="index"/> of the QEMU virt layout.</summary>
    public static VirtioMmioSlot QemuVirt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return new VirtioMmioSlot(index, QemuVirtBase + ((ulong)index * Stride), FirstSpi + (uint)index);
    }
}
