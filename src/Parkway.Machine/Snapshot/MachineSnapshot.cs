using Parkway.Machine.Config;

namespace Parkway.Machine.Snapshot;

/// <summary>
/// Everything a snapshot holds besides guest memory, as plain records: the machine's shape, every
/// CPU slot (plugged or parked), the interrupt controller and the devices. Each record is what the
/// running part exposes as its state and what the restore builds that part from.
/// </summary>
public sealed record MachineSnapshot(
    SnapshotMachineConfig Machine,
    IReadOnlyList<CpuSlotSnapshot> Cpus,
    GicSnapshot InterruptController,
    DeviceSnapshot Devices);

/// <summary>
/// What fixes the machine's shape (a restore must rebuild exactly this) and, for the record, how
/// the guest was booted.
/// </summary>
public sealed record SnapshotMachineConfig(
    int Boot,
    int Max,
    CpuTopology Topology,
    bool HotpluggableBoot,
    ulong MemoryBytes,
    bool Acpi,
    string KernelPath,
    string? InitramfsPath,
    string Cmdline)
{
    /// <summary>The CPU configuration this describes.</summary>
    public CpuConfig Cpus => new(Boot, Max, Topology, HotpluggableBoot);

    /// <summary>The record of <paramref name="config"/>.</summary>
    public static SnapshotMachineConfig From(VmConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new(config.Cpus.Boot, config.Cpus.Max, config.Cpus.Topology, config.Cpus.HotpluggableBoot, config.MemoryBytes,
            config.Acpi, config.KernelPath, config.InitramfsPath, config.Cmdline);
    }
}

/// <summary>One register as KVM lists it: its KVM_GET_ONE_REG id and its bytes (size from the id).</summary>
public sealed record VcpuRegister(ulong Id, byte[] Value);

/// <summary>One possible CPU: its plug state, its architecture id, its MP state and every register.</summary>
public sealed record CpuSlotSnapshot(
    int Index,
    ulong ArchId,
    bool IsEnabled,
    bool IsInserting,
    bool IsRemovePending,
    bool IsRemoving,
    bool IsPoweredOn,
    string? DeviceId,
    DateTimeOffset? UnplugRequestedAt,
    (uint Event, uint Status)? LastOst,
    uint MpState,
    IReadOnlyList<VcpuRegister> Registers);

/// <summary>A 32-bit register at an offset (distributor or redistributor frame, or an interrupt-line word).</summary>
public readonly record struct GicRegisterValue(uint Offset, uint Value);

/// <summary>A CPU interface system register (its encoding) and its value.</summary>
public readonly record struct GicSystemRegisterValue(ulong Encoding, ulong Value);

/// <summary>One CPU's part of the interrupt controller, keyed by its MPIDR.</summary>
public sealed record GicCpuSnapshot(ulong Mpidr, IReadOnlyList<GicRegisterValue> Redistributor, IReadOnlyList<GicSystemRegisterValue> CpuInterface);

/// <summary>The interrupt controller: distributor registers, each CPU's redistributor and CPU interface, line levels.</summary>
public sealed record GicSnapshot(
    IReadOnlyList<GicRegisterValue> Distributor,
    IReadOnlyList<GicCpuSnapshot> Cpus,
    IReadOnlyList<GicRegisterValue> LineLevels);

/// <summary>The PL011's registers.</summary>
public sealed record Pl011State(
    uint InterruptMask,
    uint RawInterrupts,
    uint LineControl,
    uint Control,
    uint IntegerBaud,
    uint FractionalBaud,
    uint FifoLevel,
    uint DmaControl);

/// <summary>The ACPI devices' registers (absent with --acpi off).</summary>
public sealed record AcpiDevicesState(uint GedPendingEvents, uint HotplugSelector, byte HotplugCommand, IReadOnlyList<uint> OstEvents);

/// <summary>Every device's state record.</summary>
public sealed record DeviceSnapshot(Pl011State Uart, AcpiDevicesState? Acpi);
