namespace Parkway.Acpi.Arm64;

/// <summary>GIC CPU Interface (GICC) structure flags (ACPI 6.5 Table 5.37).</summary>
[Flags]
public enum MadtGiccFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>The processor is usable at boot.</summary>
    Enabled = 1,

    /// <summary>The performance interrupt is edge-triggered.</summary>
    PerformanceInterruptEdge = 2,

    /// <summary>The VGIC maintenance interrupt is edge-triggered.</summary>
    VgicMaintenanceInterruptEdge = 4,

    /// <summary>Not enabled at boot but may be enabled later (ACPI 6.5); exclusive with Enabled.</summary>
    OnlineCapable = 8,
}
