using System.Globalization;
using Parkway.Acpi.Aml;
using Parkway.Acpi.Aml.Resources;

namespace Parkway.Acpi.Devices;

/// <summary>
/// A virtio-mmio transport as ACPI describes it: <c>LNRO0005</c> (the id Linux's virtio_mmio driver
/// matches), named and numbered like QEMU virt's (<c>VR00</c>, <c>VR01</c>, ...), cache-coherent
/// DMA (<c>_CCA</c> 1) and a <c>_CRS</c> with the 0x200-byte register window and the interrupt.
/// The interrupt is edge-triggered (QEMU says level): Parkway raises it through KVM_IRQFD, which
/// pulses the line, and a pulse on a level-sensitive vGIC input can be dropped before a vCPU sees
/// it. The FDT description uses edge too, so both boot paths agree.
/// </summary>
public static class VirtioMmioAml
{
    /// <summary>Size of one virtio-mmio register window.</summary>
    public const uint RegisterWindowSize = 0x200;

    /// <summary>The _HID Linux's virtio_mmio driver binds to.</summary>
    public const string HardwareId = "LNRO0005";

    /// <summary>Device name of transport <paramref name="index"/>: VR00 .. VRFF (hex, 4 characters as AML requires).</summary>
    public static string DeviceName(uint index) =>
        index <= 0xFF
            ? "VR" + index.ToString("X2", CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(nameof(index), index, "at most 256 virtio-mmio devices have a name");

    /// <summary>Builds <c>Device (VRnn)</c> for the transport at <paramref name="baseAddress"/> with interrupt <paramref name="gsiv"/> (SPI + 32).</summary>
    public static AmlDevice Build(uint index, ulong baseAddress, uint gsiv) =>
        new(DeviceName(index),
        [
            new AmlName("_HID", new AmlString(HardwareId)),
            new AmlName("_UID", new AmlInteger(index)),
            new AmlName("_CCA", AmlInteger.One),
            new AmlName("_CRS", new AmlResourceTemplate(
            [
                AmlMemory32Fixed.Window(baseAddress, RegisterWindowSize),
                new AmlInterrupt(AmlInterruptTrigger.Edge, AmlInterruptPolarity.ActiveHigh, [gsiv]),
            ])),
        ]);
}
