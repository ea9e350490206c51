using Parkway.Machine.Config;
using Parkway.Threading;

namespace Parkway.Machine.Cpu;

/// <summary>
/// One possible CPU. Its KVM vCPU is created when the VM is built and lives as long as the VM;
/// slot index = vCPU id = redistributor index, and <see cref="ArchId"/> (arm64: MPIDR_EL1 as KVM
/// reset it) is read back once and never changes. A slot with no thread is parked.
/// The mutable state is guarded by the owning <see cref="CpuManager"/>'s lock: only the manager
/// changes it (under that lock), and every public read takes the lock, so readers on any thread
/// (the control plane, the guest's register accesses) see a value the manager published.
/// <see cref="State"/> reads all of it at once.
/// </summary>
public sealed class CpuSlot
{
    private readonly RankedLock _guard;
    private bool _isEnabled, _isInserting, _isRemovePending, _isRemoving, _isPoweredOn;
    private string? _deviceId;
    private DateTimeOffset? _unplugRequestedAt;
    private (uint Event, uint Status)? _lastOst;
    private VcpuThread? _thread;

    internal CpuSlot(int index, CpuTopologyIds ids, IVcpu vcpu, ulong archId, bool isBootCpu, RankedLock? guard = null)
    {
        Index = index;
        TopologyIds = ids;
        Vcpu = vcpu;
        ArchId = archId;
        IsBootCpu = isBootCpu;
        _guard = guard ?? new RankedLock(LockRank.CpuManager, nameof(CpuManager));
    }

    /// <summary>Slot index (also the KVM vCPU id).</summary>
    public int Index { get; }

    /// <summary>Position in the socket/cluster/core/thread topology.</summary>
    public CpuTopologyIds TopologyIds { get; }

    /// <summary>The architecture id the guest sees (arm64 MPIDR_EL1), fixed for the VM's lifetime.</summary>
    public ulong ArchId { get; }

    /// <summary>True for CPUs present at boot (slots 0..boot-1): described Enabled, never unpluggable.</summary>
    public bool IsBootCpu { get; }

    /// <summary>The vCPU; exists whether or not the slot is plugged.</summary>
    public IVcpu Vcpu { get; }

    /// <summary>Plugged (administratively enabled): the guest may start this CPU. ACPI _STA's Enabled bit.</summary>
    public bool IsEnabled { get => Read(ref _isEnabled); internal set => Write(ref _isEnabled, value); }

    /// <summary>A plug the guest has not yet acknowledged (ACPI insert event pending).</summary>
    public bool IsInserting { get => Read(ref _isInserting); internal set => Write(ref _isInserting, value); }

    /// <summary>An unplug was requested and the guest has not ejected yet (ACPI remove event pending or unacknowledged).</summary>
    public bool IsRemovePending { get => Read(ref _isRemovePending); internal set => Write(ref _isRemovePending, value); }

    /// <summary>When the pending unplug was first requested (wall clock); null when none is pending.</summary>
    public DateTimeOffset? UnplugRequestedAt { get => Read(ref _unplugRequestedAt); internal set => Write(ref _unplugRequestedAt, value); }

    /// <summary>The guest's remove event is still to be delivered (cleared when the guest acknowledges it).</summary>
    public bool IsRemoving { get => Read(ref _isRemoving); internal set => Write(ref _isRemoving, value); }

    /// <summary>The vCPU is executing guest code (PSCI on), as far as Parkway's PSCI emulation knows.</summary>
    public bool IsPoweredOn { get => Read(ref _isPoweredOn); internal set => Write(ref _isPoweredOn, value); }

    /// <summary>QMP device id given at plug time (null for boot CPUs and parked slots).</summary>
    public string? DeviceId { get => Read(ref _deviceId); internal set => Write(ref _deviceId, value); }

    /// <summary>Last _OST event/status the guest reported.</summary>
    public (uint Event, uint Status)? LastOst { get => Read(ref _lastOst); internal set => Write(ref _lastOst, value); }

    /// <summary>True while a thread runs this vCPU (or is reserved to, during a plug).</summary>
    public bool HasThread => Read(ref _thread) is not null;

    /// <summary>Host thread id of the vCPU thread (0 when parked).</summary>
    public int ThreadId => Read(ref _thread)?.NativeThreadId ?? 0;

    /// <summary>Every mutable field at one instant.</summary>
    public CpuSlotState State
    {
        get
        {
            using (_guard.EnterScope())
            {
                return new CpuSlotState(_isEnabled, _isInserting, _isRemovePending, _isRemoving, _isPoweredOn, _deviceId, _lastOst,
                    _thread is not null, _thread?.NativeThreadId ?? 0, _unplugRequestedAt);
            }
        }
    }

    /// <summary>The thread running the vCPU, or null while the slot is parked. Manager only, under its lock.</summary>
    internal VcpuThread? Thread { get => Read(ref _thread); set => Write(ref _thread, value); }

    /// <summary>A plug is between claiming the slot and publishing it (its vCPU is being reset). Manager only.</summary>
    internal bool IsPlugging { get; set; }

    private T Read<T>(ref T field)
    {
        using (_guard.EnterScope())
        {
            return field;
        }
    }

    private void Write<T>(ref T field, T value)
    {
        using (_guard.EnterScope())
        {
            field = value;
        }
    }
}

/// <summary>A snapshot of a <see cref="CpuSlot"/>'s mutable state (what a save would record).</summary>
public sealed record CpuSlotState(
    bool IsEnabled,
    bool IsInserting,
    bool IsRemovePending,
    bool IsRemoving,
    bool IsPoweredOn,
    string? DeviceId,
    (uint Event, uint Status)? LastOst,
    bool HasThread,
    int ThreadId,
    DateTimeOffset? UnplugRequestedAt = null);
