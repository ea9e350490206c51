using Parkway.Acpi.Registers;

namespace Parkway.Machine.Devices;

/// <summary>The ACPI CPU hotplug register block on the MMIO bus.</summary>
public sealed class CpuHotplugDevice(CpuHotplugRegisters registers) : IMmioDevice
{
    /// <inheritdoc />
    public void Read(ulong offset, Span<byte> data) => registers.Read((uint)offset, data);

    /// <inheritdoc />
    public void Write(ulong offset, ReadOnlySpan<byte> data) => registers.Write((uint)offset, data);
}

/// <summary>The Generic Event Device's event selector on the MMIO bus.</summary>
public sealed class GedDevice(GedRegisters registers) : IMmioDevice
{
    /// <inheritdoc />
    public void Read(ulong offset, Span<byte> data) => registers.Read((uint)offset, data);

    /// <inheritdoc />
    public void Write(ulong offset, ReadOnlySpan<byte> data) => registers.Write((uint)offset, data);
}
