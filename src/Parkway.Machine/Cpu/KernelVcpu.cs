using Parkway.Interop;
using Parkway.Kvm;

namespace Parkway.Machine.Cpu;

/// <summary>
/// A KVM vCPU behind <see cref="IVcpu"/>: every member is the matching <see cref="KvmVcpu"/> call;
/// only <see cref="Reset"/> is the architecture's. Owns (disposes) the <see cref="KvmVcpu"/>.
/// </summary>
public abstract class KernelVcpu : IVcpu
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
    public bool Run() => Kvm.Run();

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
    public void SetSignalMask(ulong kernelSigset) => Kvm.SetSignalMask(kernelSigset);

    /// <inheritdoc />
    public abstract void Reset();

    /// <inheritdoc />
    public ulong GetRegister(ulong id) => Kvm.GetRegister(id);

    /// <inheritdoc />
    public void SetRegister(ulong id, ulong value) => Kvm.SetRegister(id, value);

    /// <inheritdoc />
    public KvmMpState GetMpState() => Kvm.GetMpState();

    /// <inheritdoc />
    public void SetMpState(KvmMpState state) => Kvm.SetMpState(state);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the KVM vCPU (fd and kvm_run mapping).</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Kvm.Dispose();
        }
    }
}
