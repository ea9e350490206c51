using Parkway.Kvm;

namespace Parkway.Machine.Cpu;

/// <summary>
/// What the architecture-neutral <see cref="CpuManager"/> needs from an architecture to create,
/// identify and start vCPUs (resetting one is <see cref="IVcpu.Reset"/>).
/// arm64: <see cref="Arm64.Arm64VcpuArchitecture"/>.
/// Every method except <see cref="CreateVcpu"/> runs on the vCPU's own thread, or while it has none.
/// </summary>
public interface IVcpuArchitecture
{
    /// <summary>The CPU type name and the word for its architecture id (for messages and QMP).</summary>
    CpuModel Model { get; }

    /// <summary>
    /// Creates vCPU <paramref name="id"/> in KVM and initialises it from the architecture's
    /// template; only <paramref name="startsRunning"/> vCPUs may execute without the guest
    /// starting them.
    /// </summary>
    IVcpu CreateVcpu(KvmVm vm, int id, bool startsRunning);

    /// <summary>Reads the id the guest will know this CPU by (arm64: MPIDR_EL1).</summary>
    ulong ReadArchId(IVcpu vcpu);

    /// <summary>Starts a powered-off vCPU at <paramref name="entry"/> with <paramref name="context"/> (PSCI CPU_ON).</summary>
    void PowerOn(IVcpu vcpu, ulong entry, ulong context);

    /// <summary>Stops the vCPU (PSCI CPU_OFF); KVM_RUN then sleeps until it is powered on again.</summary>
    void PowerOff(IVcpu vcpu);
}

/// <summary>What a vCPU thread does after an exit.</summary>
public enum VcpuExitAction
{
    /// <summary>Enter the guest again.</summary>
    Continue,
    /// <summary>Leave the run loop (the machine is shutting down).</summary>
    Stop,
}

/// <summary>Handles one vCPU exit on the vCPU's own thread. Must not block on other vCPUs.</summary>
public interface IVcpuExitHandler
{
    /// <summary>Handles the exit described by <paramref name="slot"/>'s kvm_run page.</summary>
    VcpuExitAction HandleExit(CpuSlot slot);
}
