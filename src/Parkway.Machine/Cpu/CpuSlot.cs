using Parkway.Kvm;
using Parkway.Machine.Config;

namespace Parkway.Machine.Cpu;

/// <summary>
/// One possible CPU. Its KVM vCPU is created when the VM is built and lives as long as the VM;
/// slot index = vCPU id = redistributor index, and <see cref="ArchId"/> (arm64: MPIDR_EL1 as KVM
/// reset it) is read back once and never changes. A slot with no thread is parked.
/// The mutable state is guarded by the owning <see cref="CpuManager"/>'s lock.
/// </summary>
public sealed class CpuSlot
{
    internal CpuSlot(int index, CpuTopologyIds ids, IVcpu vcpu, ulong archId, bool isBootCpu)
    {
        Index = index;
        TopologyIds = ids;
        Vcpu = vcpu;
        ArchId = archId;
        IsBootCpu = isBootCpu;
    }

    /// <summary>Slot index (also the KVM vCPU id).</summary>
    public int Index { get; }

    /// <summary>Position in the socket/cluster/core/thread topology.</summary>
    public CpuTopologyIds TopologyIds { get; }

    /// <summary>The architecture id the guest sees (arm64 MPIDR_EL1), fixed for the VM's lifetime.</summary>
    public ulong ArchId { get; }

    /// <summary>True for CPUs present at boot (slots 0..boot-1): described Enabled, never unpluggable.</summary>
    public bool IsBootCpu { get; }

    /// <summary>The KVM vCPU; exists whether or not the slot is plugged.</summary>
    public IVcpu Vcpu { get; }

    /// <summary>Plugged (administratively enabled): the guest may start this CPU. ACPI _STA's Enabled bit.</summary>
    public bool IsEnabled { get; internal set; }

    /// <summary>A plug the guest has not yet acknowledged (ACPI insert event pending).</summary>
    public bool IsInserting { get; internal set; }

    /// <summary>An unplug was requested and the guest has not ejected yet (ACPI remove event pending or unacknowledged).</summary>
    public bool IsRemovePending { get; internal set; }

    /// <summary>The guest's remove event is still to be delivered (cleared when the guest acknowledges it).</summary>
    public bool IsRemoving { get; internal set; }

    /// <summary>The vCPU is executing guest code (PSCI on), as far as Parkway's PSCI emulation knows.</summary>
    public bool IsPoweredOn { get; internal set; }

    /// <summary>QMP device id given at plug time (null for boot CPUs and parked slots).</summary>
    public string? DeviceId { get; internal set; }

    /// <summary>Last _OST event/status the guest reported.</summary>
    public (uint Event, uint Status)? LastOst { get; internal set; }

    /// <summary>The thread running the vCPU, or null while the slot is parked.</summary>
    internal VcpuThread? Thread { get; set; }

    /// <summary>True while a thread runs this vCPU.</summary>
    public bool HasThread => Thread is not null;

    /// <summary>Host thread id of the vCPU thread (0 when parked).</summary>
    public int ThreadId => Thread?.NativeThreadId ?? 0;
}
