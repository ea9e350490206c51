using Parkway.Interop;
using Parkway.Kvm;

namespace Parkway.Machine.Cpu;

/// <summary>
/// What the CPU manager, a vCPU thread and the exit handlers need from one vCPU: its run state,
/// entering the guest, the kernel half of a kick, a reset to the architecture's initial state, and
/// its registers. Real vCPUs are <see cref="KernelVcpu"/>s over a <see cref="KvmVcpu"/>; unit tests
/// of the slot state machine and the vCPU threads use a plain fake.
/// </summary>
/// <remarks>
/// Everything except <see cref="Kick"/> and <see cref="Id"/> runs on the vCPU's own thread, or
/// while it has none: vCPU ioctls block while another thread sits in KVM_RUN.
/// </remarks>
public interface IVcpu : IDisposable
{
    /// <summary>The vCPU id (the slot index).</summary>
    int Id { get; }

    /// <summary>The shared kvm_run page: the exit just taken, read and answered in place.</summary>
    KvmRun RunState { get; }

    /// <summary>
    /// Enters the guest (KVM_RUN). True when the vCPU exited with data to handle, false when it was
    /// kicked (or asked to retry) before or while running.
    /// </summary>
    bool Run();

    /// <summary>
    /// Makes the current or next <see cref="Run"/> return false at once (kvm_run.immediate_exit).
    /// Safe from any thread. The vCPU thread pairs it with a signal for a vCPU already in the guest.
    /// </summary>
    void Kick();

    /// <summary>Undoes <see cref="Kick"/> once the thread has seen it.</summary>
    void ClearKick();

    /// <summary>The signal mask in force while <see cref="Run"/> is inside the guest (kernel sigset).</summary>
    void SetSignalMask(ulong kernelSigset);

    /// <summary>
    /// Returns the vCPU to the architecture's initial state, powered off (arm64: KVM_ARM_VCPU_INIT
    /// with the VM's template). The architecture id is kept.
    /// </summary>
    void Reset();

    /// <summary>Reads a 64-bit register (KVM_GET_ONE_REG id).</summary>
    ulong GetRegister(ulong id);

    /// <summary>Writes a 64-bit register (KVM_SET_ONE_REG id).</summary>
    void SetRegister(ulong id, ulong value);

    /// <summary>The multiprocessing state (KVM_GET_MP_STATE).</summary>
    KvmMpState GetMpState();

    /// <summary>Sets the multiprocessing state (KVM_SET_MP_STATE).</summary>
    void SetMpState(KvmMpState state);
}
