using System.Globalization;
using Parkway.Acpi.Aml;

namespace Parkway.Acpi.Devices;

/// <summary>
/// The AML side of QEMU's "modern" ACPI CPU hotplug interface (docs/specs/acpi_cpu_hotplug.rst),
/// placed directly in the processor container <c>\_SB.CPUS</c>: the 12-byte register block,
/// its lock, the helper methods and one ACPI0007 device per possible CPU. Every possible CPU is
/// always present (arm64 cannot add CPUs after boot); <c>_STA</c> toggles only the enabled bit.
/// </summary>
/// <remarks>
/// The eject control bit is named <c>CEJT</c>, not QEMU's <c>CEJ0</c>: QEMU keeps the fields in a
/// separate <c>\_SB.PRES</c> device, here they share a scope with the <c>CEJ0</c> method.
/// </remarks>
public static class CpuHotplugAml
{
    /// <summary>Size of the register block.</summary>
    public const uint RegisterBlockLength = 12;

    /// <summary>Absolute path of the container device.</summary>
    public const string ContainerPath = "\\_SB.CPUS";

    /// <summary>Absolute path of the scan method the GED event handler calls.</summary>
    public const string ScanMethodPath = "\\_SB.CPUS.CSCN";

    /// <summary><c>_STA</c>: present, enabled, shown, functioning.</summary>
    public const uint StatusEnabled = 0x0F;

    /// <summary><c>_STA</c>: present, shown, functioning, not enabled.</summary>
    public const uint StatusPresentNotEnabled = 0x0D;

    /// <summary>Device name for a processor UID: <c>C%03X</c>.</summary>
    public static string DeviceName(uint uid) =>
        uid <= 0xFFF
            ? "C" + uid.ToString("X3", CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(nameof(uid), uid, "CPU device names hold UIDs up to 0xFFF.");

    /// <summary>Builds <c>Device (CPUS)</c> for <paramref name="cpus"/> with registers at <paramref name="registerBase"/>.</summary>
    public static AmlDevice Build(IReadOnlyList<CpuHotplugAmlCpu> cpus, ulong registerBase)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        var children = new List<IAmlWritable>
        {
            new AmlName("_HID", new AmlString("ACPI0010")),
            new AmlName("_CID", new AmlEisaId("PNP0A05")),
            new AmlMutex("CPLK"),
            new AmlOperationRegion("PRST", AmlRegionSpace.SystemMemory, registerBase, RegisterBlockLength),
            new AmlField("PRST", AmlFieldAccessType.Byte, AmlFieldLockRule.NoLock, AmlFieldUpdateRule.WriteAsZeros,
            [
                AmlFieldElement.Offset(4),
                AmlFieldElement.Named("CPEN", 1), // read: enabled
                AmlFieldElement.Named("CINS", 1), // read: insert pending; write 1: clear it
                AmlFieldElement.Named("CRMV", 1), // read: remove pending; write 1: clear it
                AmlFieldElement.Named("CEJT", 1), // write 1: eject the selected CPU
                AmlFieldElement.Named("CEJF", 1), // write 1: hand the eject to firmware (unused here)
                AmlFieldElement.Reserved(3),
                AmlFieldElement.Named("CCMD", 8), // command
            ]),
            new AmlField("PRST", AmlFieldAccessType.DWord, AmlFieldLockRule.NoLock, AmlFieldUpdateRule.Preserve,
            [
                AmlFieldElement.Named("CSEL", 32), // selector
                AmlFieldElement.Reserved(32),
                AmlFieldElement.Named("CDAT", 32), // command data
            ]),
            BuildNotifyMethod(cpus),
            BuildStatusMethod(),
            BuildEjectMethod(),
            BuildScanMethod(cpus.Count),
            BuildOstMethod(),
        };

        foreach (var cpu in cpus)
        {
            children.Add(BuildCpuDevice(cpu));
        }

        return new AmlDevice("CPUS", children);
    }

    // Method (CTFY, 2) { If (Arg0 == uid) { Notify (Cuid, Arg1) } ... }: Notify needs a static
    // object reference, so there is one test per CPU.
    private static AmlMethod BuildNotifyMethod(IReadOnlyList<CpuHotplugAmlCpu> cpus) =>
        new("CTFY", 2, serialized: false, cpus.Select(cpu => (IAmlWritable)new AmlIf(
            AmlLogicalOperation.Equal(new AmlArg(0), new AmlInteger(cpu.Uid)),
            [new AmlNotify(new AmlPath(DeviceName(cpu.Uid)), new AmlArg(1))])));

    // Method (CSTA, 1, Serialized): 0x0F when enabled, else 0x0D (present, not enabled).
    private static AmlMethod BuildStatusMethod() =>
        new("CSTA", 1, serialized: true,
        [
            new AmlAcquire("CPLK"),
            new AmlStore(new AmlArg(0), new AmlPath("CSEL")),
            new AmlStore(new AmlInteger(StatusPresentNotEnabled), new AmlLocal(0)),
            new AmlIf(AmlLogicalOperation.Equal(new AmlPath("CPEN"), AmlInteger.One),
                [new AmlStore(new AmlInteger(StatusEnabled), new AmlLocal(0))]),
            new AmlRelease("CPLK"),
            new AmlReturn(new AmlLocal(0)),
        ]);

    // Method (CEJ0, 1, Serialized): select the CPU and request its eject.
    private static AmlMethod BuildEjectMethod() =>
        new("CEJ0", 1, serialized: true,
        [
            new AmlAcquire("CPLK"),
            new AmlStore(new AmlArg(0), new AmlPath("CSEL")),
            new AmlStore(AmlInteger.One, new AmlPath("CEJT")),
            new AmlRelease("CPLK"),
        ]);

    // Method (CSCN, 0, Serialized): walk the CPUs with pending events using command 0 ("next CPU
    // with an event, scanning circularly from the selector"). A result below the starting uid means
    // the scan wrapped around: every CPU from there on was already handled. Events are acknowledged
    // right after their Notify; the OS queues notifications, so _STA runs after CPLK is released.
    private static AmlMethod BuildScanMethod(int cpuCount)
    {
        var uid = new AmlLocal(0);
        var selector = new AmlPath("CSEL");
        var data = new AmlPath("CDAT");
        return new AmlMethod("CSCN", 0, serialized: true,
        [
            new AmlAcquire("CPLK"),
            new AmlStore(AmlInteger.Zero, uid),
            new AmlWhile(AmlLogicalOperation.Less(uid, new AmlInteger((ulong)cpuCount)),
            [
                new AmlStore(uid, selector),
                new AmlStore(AmlInteger.Zero, new AmlPath("CCMD")),
                new AmlIf(AmlLogicalOperation.Less(data, uid), [AmlBreak.Instance]),
                new AmlStore(data, uid),
                new AmlIf(AmlLogicalOperation.Equal(new AmlPath("CINS"), AmlInteger.One),
                [
                    new AmlMethodCall("CTFY", uid, AmlInteger.One), // Device Check
                    new AmlStore(AmlInteger.One, new AmlPath("CINS")),
                ]),
                new AmlIf(AmlLogicalOperation.Equal(new AmlPath("CRMV"), AmlInteger.One),
                [
                    new AmlMethodCall("CTFY", uid, new AmlInteger(3)), // Eject Request
                    new AmlStore(AmlInteger.One, new AmlPath("CRMV")),
                ]),
                AmlIncrement.Increment(uid),
            ]),
            new AmlRelease("CPLK"),
        ]);
    }

    // Method (COST, 3, Serialized): pass _OST's event and status codes to the VMM (commands 1, 2).
    // _OST's third argument (a status buffer) has no register to go to, so it is not passed on.
    private static AmlMethod BuildOstMethod() =>
        new("COST", 3, serialized: true,
        [
            new AmlAcquire("CPLK"),
            new AmlStore(new AmlArg(0), new AmlPath("CSEL")),
            new AmlStore(AmlInteger.One, new AmlPath("CCMD")),
            new AmlStore(new AmlArg(1), new AmlPath("CDAT")),
            new AmlStore(new AmlInteger(2), new AmlPath("CCMD")),
            new AmlStore(new AmlArg(2), new AmlPath("CDAT")),
            new AmlRelease("CPLK"),
        ]);

    private static AmlDevice BuildCpuDevice(CpuHotplugAmlCpu cpu)
    {
        var uid = new AmlInteger(cpu.Uid);
        var children = new List<IAmlWritable>
        {
            new AmlName("_HID", new AmlString("ACPI0007")),
            new AmlName("_UID", uid),
            new AmlMethod("_STA", 0, serialized: true, [new AmlReturn(new AmlMethodCall("CSTA", uid))]),
        };
        if (cpu.MadtEntry is not null)
        {
            children.Add(new AmlName("_MAT", new AmlBuffer(cpu.MadtEntry)));
        }

        if (cpu.Ejectable)
        {
            children.Add(new AmlMethod("_EJ0", 1, serialized: true, [new AmlMethodCall("CEJ0", uid)]));
        }

        children.Add(new AmlMethod("_OST", 3, serialized: true,
            [new AmlMethodCall("COST", uid, new AmlArg(0), new AmlArg(1))]));
        return new AmlDevice(DeviceName(cpu.Uid), children);
    }
}
