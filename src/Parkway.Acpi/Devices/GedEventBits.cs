namespace Parkway.Acpi.Devices;

/// <summary>Generic Event Device selector bits (QEMU's guest ABI values).</summary>
[Flags]
public enum GedEventBits : uint
{
    /// <summary>No event.</summary>
    None = 0,

    /// <summary>Power-down request: <c>Notify (\_SB.PWRB, 0x80)</c>.</summary>
    PowerDown = 0x2,

    /// <summary>CPU hotplug: <c>\_SB.CPUS.CSCN ()</c>.</summary>
    CpuHotplug = 0x8,
}
