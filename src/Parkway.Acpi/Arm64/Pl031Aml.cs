using Parkway.Acpi.Aml;
using Parkway.Acpi.Aml.Resources;

namespace Parkway.Acpi.Arm64;

/// <summary>
/// The PL031 real-time clock as QEMU's virt board described it in its DSDT: <c>Device (RTC0)</c>,
/// <c>_HID "LNRO0013"</c>, its 4 KiB register window and its level-triggered interrupt.
/// </summary>
public static class Pl031Aml
{
    /// <summary>Size of the PL031 register window.</summary>
    public const uint RegisterWindowSize = 0x1000;

    /// <summary>Builds <c>Device (RTC0)</c>.</summary>
    public static AmlDevice Build(ulong baseAddress, uint gsiv) =>
        new("RTC0",
        [
            new AmlName("_HID", new AmlString("LNRO0013")),
            new AmlName("_UID", new AmlInteger(0)),
            new AmlName("_CRS", new AmlResourceTemplate(
            [
                AmlMemory32Fixed.Window(baseAddress, RegisterWindowSize),
                new AmlInterrupt(AmlInterruptTrigger.Level, AmlInterruptPolarity.ActiveHigh, [gsiv]),
            ])),
        ]);
}
