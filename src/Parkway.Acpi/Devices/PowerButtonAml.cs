using Parkway.Acpi.Aml;

namespace Parkway.Acpi.Devices;

/// <summary>The ACPI power button device (<c>PNP0C0C</c>) that <c>system_powerdown</c> notifies.</summary>
public static class PowerButtonAml
{
    /// <summary>Absolute path of the device.</summary>
    public const string Path = "\\_SB.PWRB";

    /// <summary>Builds <c>Device (PWRB)</c>.</summary>
    public static AmlDevice Build() =>
        new("PWRB",
        [
            new AmlName("_HID", new AmlString("PNP0C0C")),
            new AmlName("_UID", AmlInteger.Zero),
        ]);
}
