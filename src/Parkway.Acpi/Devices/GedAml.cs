using Parkway.Acpi.Aml;
using Parkway.Acpi.Aml.Resources;

namespace Parkway.Acpi.Devices;

/// <summary>
/// The Generic Event Device (<c>ACPI0013</c>): one edge interrupt; its <c>_EVT</c> reads the
/// read-to-clear event selector once and dispatches every set bit.
/// </summary>
public static class GedAml
{
    /// <summary>Size of the event selector register.</summary>
    public const uint SelectorLength = 4;

    /// <summary>Builds <c>Device (GED0)</c> handling CPU hotplug and power-down events.</summary>
    public static AmlDevice Build(ulong selectorBase, uint gsiv)
    {
        var local0 = new AmlLocal(0);
        return new AmlDevice("GED0",
        [
            new AmlName("_HID", new AmlString("ACPI0013")),
            new AmlName("_UID", AmlInteger.Zero),
            new AmlName("_CRS", new AmlResourceTemplate(
            [
                new AmlInterrupt(AmlInterruptTrigger.Edge, AmlInterruptPolarity.ActiveHigh, [gsiv]),
            ])),
            new AmlOperationRegion("EREG", AmlRegionSpace.SystemMemory, selectorBase, SelectorLength),
            new AmlField("EREG", AmlFieldAccessType.DWord, AmlFieldLockRule.NoLock, AmlFieldUpdateRule.WriteAsZeros,
                [AmlFieldElement.Named("ESEL", 32)]),
            new AmlMethod("_EVT", 1, serialized: true,
            [
                // Read once: the register clears on read, so each bit must be tested on the copy.
                new AmlStore(new AmlPath("ESEL"), local0),
                IfBitSet(local0, GedEventBits.CpuHotplug, new AmlMethodCall(CpuHotplugAml.ScanMethodPath)),
                IfBitSet(local0, GedEventBits.PowerDown, new AmlNotify(new AmlPath(PowerButtonAml.Path), new AmlInteger(0x80))),
            ]),
        ]);
    }

    private static AmlIf IfBitSet(AmlLocal value, GedEventBits bit, IAmlWritable action)
    {
        var mask = new AmlInteger((ulong)bit);
        return new AmlIf(AmlLogicalOperation.Equal(AmlBinaryOperation.And(value, mask), mask), [action]);
    }
}
