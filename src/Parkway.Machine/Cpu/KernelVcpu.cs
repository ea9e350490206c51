using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Threading;

namespace Parkway.Machine.Cpu;

/// <summary>
/// A KVM vCPU behind <see cref="IVcpu"/>: every member is the matching <see cref="KvmVcpu"/> call;
/// only <see cref="Reset"/> is the architecture's. Owns (disposes) the <see cref="KvmVcpu"/>.
/// Every ioctl asserts (debug builds) that the CPU manager's lock is not held: a vCPU ioctl can
/// block for as long as another thread sits in KVM_RUN.
/// </summary>
public abstract partial class KernelVcpu : IVcpu
{
    /// <summary>Wraps <paramref name="vcpu"/>.</summary>
    protected KernelVcpu(KvmVcpu vcpu)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        Kvm = vcpu;
    }

    /// <summary>The KVM vCPU, for the architecture's own ioctls.</summary>
    protected KvmVcpu Kvm { get; }

    /// <inheritdoc />
    public int Id => Kvm.Id;

    /// <inheritdoc />
    public KvmRun RunState => Kvm.RunState;

    /// <inheritdoc />
    public bool Run()
    {
        LockOrder.AssertNotHeld(LockRank.CpuManager, "KVM_RUN");
        return Kvm.Run();
    }

    /// <inheritdoc />
    public void Kick()
    {
        KvmRun run = Kvm.RunState;
        run.ImmediateExit = true;
    }

    /// <inheritdoc />
    public void ClearKick()
    {
        KvmRun run = Kvm.RunState;
        run.ImmediateExit = false;
    }

    /// <inheritdoc />
    public void SetSignalMask(ulong kernelSigset)
    {
        AssertNoManagerLock();
        Kvm.SetSignalMask(kernelSigset);
    }

    /// <inheritdoc />
    public void Reset()
    {
        AssertNoManagerLock();
        ResetCore();
    }

    /// <inheritdoc />
    public ulong GetRegister(ulong id)
    {
        AssertNoManagerLock();
        return Kvm.GetRegister(id);
    }

    /// <inheritdoc />
    public void SetRegister(ulong id, ulong value)
    {
        AssertNoManagerLock();
        Kvm.SetRegister(id, value);
    }

    /// <inheritdoc />
    public KvmMpState GetMpState()
    {
        AssertNoManagerLock();
        return Kvm.GetMpState();
    }

    /// <inheritdoc />
    public void SetMpState(KvmMpState state)
    {
        AssertNoManagerLock();
        Kvm.SetMpState(state);
    }

    /// <summary>The architecture's reset to the initial powered-off state.</summary>
    protected abstract void ResetCore();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    private static void AssertNoManagerLock() => LockOrder.AssertNotHeld(LockRank.CpuManager, "a vCPU ioctl");

    /// <summary>Releases the KVM vCPU (fd and kvm_run mapping).</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Kvm.Dispose();
        }
    }
}
