using Parkway.Interop;
using Parkway.Kvm;

namespace Parkway.Machine.Cpu;

/// <summary>
/// The dedicated OS thread that runs one vCPU, named <c>vcpu&lt;N&gt;</c>.
/// Kicking: the kick signal (<see cref="KickSignal"/>, SIGUSR2 — never SIGRTMIN, which the .NET
/// runtime uses to suspend threads for GC) is blocked on this thread at all times except inside
/// KVM_RUN (KVM_SET_SIGNAL_MASK). A kick sets kvm_run.immediate_exit and sends the signal: a vCPU
/// inside KVM_RUN exits with EINTR, one about to enter returns at once, and a signal that arrives
/// in between stays pending until the next KVM_RUN returns it. No signal handler is needed; the
/// thread consumes pending kicks with sigtimedwait.
/// </summary>
internal sealed unsafe class VcpuThread
{
    /// <summary>SIGUSR2.</summary>
    public const int KickSignal = 12;

    private readonly CpuSlot _slot;
    private readonly IVcpuExitHandler _handler;
    private readonly Action<CpuSlot, Exception> _onFailure;
    private readonly Thread _thread;
    private volatile bool _stopRequested;
    private volatile int _nativeThreadId;

    public VcpuThread(CpuSlot slot, IVcpuExitHandler handler, Action<CpuSlot, Exception> onFailure)
    {
        _slot = slot;
        _handler = handler;
        _onFailure = onFailure;
        _thread = new Thread(Body) { IsBackground = true, Name = $"vcpu{slot.Index}" };
    }

    public bool IsAlive => _thread.IsAlive;

    public int NativeThreadId => _nativeThreadId;

    public void Start() => _thread.Start();

    /// <summary>Asks the thread to leave its run loop and kicks it out of KVM_RUN.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        Kick();
    }

    /// <summary>Forces the vCPU out of KVM_RUN so the thread looks at its requests.</summary>
    public void Kick()
    {
        KvmRun run = _slot.Vcpu.RunState;
        run.ImmediateExit = true;
        int tid = _nativeThreadId;
        if (tid != 0)
        {
            Libc.Tgkill(Libc.GetPid(), tid, KickSignal);
        }
    }

    /// <summary>Waits for the thread to end; false on timeout.</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    private void Body()
    {
        try
        {
            PrepareThread();
            KvmVcpu vcpu = _slot.Vcpu;
            while (!_stopRequested)
            {
                if (vcpu.Run())
                {
                    if (_handler.HandleExit(_slot) == VcpuExitAction.Stop)
                    {
                        break;
                    }
                }
                else
                {
                    ConsumeKick();
                }
            }
        }
        catch (Exception e)
        {
            _onFailure(_slot, e);
        }
        finally
        {
            _nativeThreadId = 0;
        }
    }

    private void PrepareThread()
    {
        // The kernel thread name (what /proc/<pid>/task/*/comm shows) is set explicitly: the runtime
        // does not guarantee it from Thread.Name on every platform.
        byte* name = stackalloc byte[16];
        string text = $"vcpu{_slot.Index}";
        int length = System.Text.Encoding.ASCII.GetBytes(text, new Span<byte>(name, 15));
        name[length] = 0;
        Libc.Prctl(Libc.PR_SET_NAME, name, 0, 0, 0);

        SigSet kick = KickSet(), previous;
        int error = Libc.PthreadSigmask(Libc.SIG_BLOCK, &kick, &previous);
        if (error != 0)
        {
            throw new KvmException("pthread_sigmask", error);
        }

        // Inside KVM_RUN: the thread's usual mask, with the kick signal deliverable.
        _slot.Vcpu.SetSignalMask(previous.KernelBits & ~(1UL << (KickSignal - 1)));
        _nativeThreadId = Libc.GetTid();
    }

    // glibc's sigset_t is a bit array: signal n is bit n-1 of the first word.
    private static SigSet KickSet() => new() { KernelBits = 1UL << (KickSignal - 1) };

    private void ConsumeKick()
    {
        KvmRun run = _slot.Vcpu.RunState;
        run.ImmediateExit = false;
        SigSet kick = KickSet();
        var noWait = default(Timespec);
        while (Libc.Sigtimedwait(&kick, 0, &noWait) == KickSignal)
        {
        }
    }
}
