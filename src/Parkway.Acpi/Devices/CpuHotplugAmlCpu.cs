namespace Parkway.Acpi.Devices;

/// <summary>What the CPU hotplug AML needs to know about one possible CPU.</summary>
/// <param name="Uid">The processor UID; the device is named <c>C%03X</c> after it.</param>
/// <param name="Ejectable">Whether to give the device an <c>_EJ0</c> (never for cold-plugged or boot CPUs).</param>
/// <param name="MadtEntry">The CPU's MADT entry with Enabled forced on, published as <c>_MAT</c>; null to omit.</param>
public sealed record CpuHotplugAmlCpu(uint Uid, bool Ejectable, byte[]? MadtEntry);
