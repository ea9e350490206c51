using Parkway.Acpi.Aml;
using Parkway.Acpi.Aml.Resources;

namespace Parkway.Acpi.Arm64;

/// <summary>The PL011 UART device (<c>ARMH0011</c>) as the arm64 SBBR describes it.</summary>
public static class Pl011Aml
{
    /// <summary>Size of the PL011 register window.</summary>
    public const uint RegisterWindowSize = 0x1000;

    /// <summary>Builds <c>Device (COM0)</c> with its MMIO window and level-triggered interrupt.</summary>
    public static AmlDevice Build(ulong baseAddress, uint gsiv, string name = "COM0", uint uid = 0) =>
        new(name,
        [
            new AmlName("_HID", new AmlString("ARMH0011")),
            new AmlName("_UID", new AmlInteger(uid)),
            new AmlName("_CRS", new AmlResourceTemplate(
            [
                AmlMemory32Fixed.Window(baseAddress, RegisterWindowSize),
                new AmlInterrupt(AmlInterruptTrigger.Level, AmlInterruptPolarity.ActiveHigh, [gsiv]),
            ])),
        ]);
}
