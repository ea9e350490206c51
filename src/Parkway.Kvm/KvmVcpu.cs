using Parkway.Interop;

namespace Parkway.Kvm;

/// <summary>
/// Owns one vCPU descriptor and its kvm_run mapping. A KVM vCPU can never be destroyed while the VM
/// lives, so a parked vCPU is simply one of these with no thread calling <see cref="Run"/>.
/// vCPU ioctls block on the vCPU's kernel mutex while KVM_RUN is in progress: only the thread that
/// runs the vCPU should call them while it runs.
/// </summary>
public sealed unsafe class KvmVcpu : IDisposable
{
    private readonly SafeFdHandle _fd;
    private readonly int _fdNumber;
    private readonly nint _runPage;
    private readonly nuint _runSize;
    private bool _disposed;

    internal KvmVcpu(int id, SafeFdHandle fd, int mmapSize)
    {
        Id = id;
        _fd = fd;
        _fdNumber = fd.Number;
        _runSize = (nuint)mmapSize;
        _runPage = Libc.Mmap(0, _runSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
        if (_runPage == Libc.MapFailed)
        {
            throw new KvmException("mmap(kvm_run)", Errno.Last);
        }
    }

    /// <summary>The vCPU id given to KVM_CREATE_VCPU.</summary>
    public int Id { get; }

    /// <summary>The descriptor number (diagnostics, /proc checks).</summary>
    public int DescriptorNumber => _fd.Number;

    /// <summary>The vCPU descriptor, for the architecture-specific ioctls in this assembly (Arm64/).</summary>
    internal SafeFdHandle Handle => _fd;

    /// <summary>The shared kvm_run page.</summary>
    // SAFETY: _runPage is a live mapping of _runSize bytes until Dispose.
    public KvmRun RunState => new((byte*)_runPage);

    /// <summary>
    /// KVM_RUN. Returns true when the vCPU exited with data to handle (see <see cref="RunState"/>),
    /// false when it was interrupted (EINTR: a kick or immediate_exit) or asked to retry (EAGAIN).
    /// </summary>
    /// <remarks>
    /// The hottest call in Parkway (once per exit), so it skips the SafeHandle's reference count:
    /// the owner disposes a vCPU only when no thread runs it (the kvm_run mapping already relies on
    /// the same rule), so the number cannot be closed and reused under the call.
    /// </remarks>
    public bool Run()
    {
        int result = Libc.Ioctl(_fdNumber, KvmIoctls.Run, 0);
        if (result >= 0)
        {
            return true;
        }

        int errno = Errno.Last;
        if (errno is Errno.EINTR or Errno.EAGAIN)
        {
            return false;
        }

        throw new KvmException("KVM_RUN", errno);
    }

    /// <summary>KVM_GET_ONE_REG for a 64-bit register.</summary>
    public ulong GetRegister(ulong id)
    {
        ulong value = 0;
        // SAFETY: value is a local; its address is valid for the synchronous ioctl that fills it.
        var request = new KvmOneReg { Id = id, Address = (ulong)&value };
        KvmIoctl.Invoke(_fd, KvmIoctls.GetOneReg, ref request, "KVM_GET_ONE_REG");
        return value;
    }

    /// <summary>KVM_SET_ONE_REG for a 64-bit register.</summary>
    public void SetRegister(ulong id, ulong value)
    {
        // SAFETY: value is a parameter local to this frame; valid for the synchronous ioctl.
        var request = new KvmOneReg { Id = id, Address = (ulong)&value };
        KvmIoctl.Invoke(_fd, KvmIoctls.SetOneReg, ref request, "KVM_SET_ONE_REG");
    }

    /// <summary>KVM_GET_MP_STATE.</summary>
    public KvmMpState GetMpState()
    {
        uint state = 0;
        KvmIoctl.Invoke(_fd, KvmIoctls.GetMpState, ref state, "KVM_GET_MP_STATE");
        return (KvmMpState)state;
    }

    /// <summary>KVM_SET_MP_STATE.</summary>
    public void SetMpState(KvmMpState state)
    {
        uint value = (uint)state;
        KvmIoctl.Invoke(_fd, KvmIoctls.SetMpState, ref value, "KVM_SET_MP_STATE");
    }

    /// <summary>
    /// KVM_SET_SIGNAL_MASK: the signal mask in force while this vCPU is inside KVM_RUN (the
    /// kernel's 8-byte sigset). Lets the vCPU thread keep its kick signal blocked everywhere except
    /// inside KVM_RUN, so a kick can never be lost between checking for work and entering the guest.
    /// </summary>
    public void SetSignalMask(ulong kernelSigset)
    {
        // struct kvm_signal_mask { __u32 len; __u8 sigset[]; } with len = 8 on 64-bit hosts.
        byte* buffer = stackalloc byte[12];
        *(uint*)buffer = 8;
        *(ulong*)(buffer + 4) = kernelSigset;
        KvmIoctl.Invoke(_fd, KvmIoctls.SetSignalMask, (nint)buffer, "KVM_SET_SIGNAL_MASK");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // SAFETY: the mapping was created in the constructor and nothing uses RunState after Dispose.
        Libc.Munmap(_runPage, _runSize);
        _fd.Dispose();
    }
}
