namespace Parkway.Acpi.Aml;

/// <summary>Operation region address spaces (ACPI 6.5 §19.6.100).</summary>
public enum AmlRegionSpace : byte
{
    /// <summary>Memory-mapped registers.</summary>
    SystemMemory = 0x00,

    /// <summary>x86 I/O ports.</summary>
    SystemIO = 0x01,
}
