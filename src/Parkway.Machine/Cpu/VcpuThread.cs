using System.Collections.Concurrent;
using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Threading;

namespace Parkway.Machine.Cpu;

/// <summary>
/// The dedicated OS thread that runs one vCPU, named <c>vcpu&lt;N&gt;</c>.
/// Work that must touch the vCPU from outside (PSCI CPU_ON from another vCPU) is posted to this
/// thread: vCPU ioctls block on the vCPU's kernel mutex while KVM_RUN runs, so only the owning
/// thread may issue them.
/// Kicking: the kick signal (<see cref="KickSignal"/>, SIGUSR2 — never SIGRTMIN, which the .NET
/// runtime uses to suspend threads for GC) is blocked on this thread at all times except inside
/// KVM_RUN (KVM_SET_SIGNAL_MASK). A kick sets kvm_run.immediate_exit and sends the signal: a vCPU
/// inside KVM_RUN exits with EINTR, one about to enter returns at once, and a signal that arrives
/// in between stays pending until the next KVM_RUN returns it. No signal handler is needed; the
/// thread consumes pending kicks with sigtimedwait.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification =
    "The pause and end events are waited on by the control plane after the thread may have ended; they never allocate a kernel handle (no WaitHandle use), so letting the GC reclaim them is safe.")]
internal sealed unsafe class VcpuThread
{
    /// <summary>SIGUSR2.</summary>
    public const int KickSignal = 12;

    private readonly CpuSlot _slot;
    private readonly IVcpuExitHandler _handler;
    private readonly Action<CpuSlot, Exception> _onFailure;
    private readonly Action<CpuSlot> _onExit;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<Action<IVcpu>> _work = new();
    // Set after each Post (before its kick), cleared by the thread before it drains: the run loop
    // looks at one field per exit instead of into the queue.
    private volatile bool _workPosted;
    private readonly VcpuRunGate _gate;
    private readonly ManualResetEventSlim _paused = new(initialState: false);
    private readonly ManualResetEventSlim _ended = new(initialState: false);
    private volatile bool _stopRequested;
    private volatile int _nativeThreadId;

    public VcpuThread(CpuSlot slot, VcpuRunGate gate, IVcpuExitHandler handler, Action<CpuSlot, Exception> onFailure, Action<CpuSlot> onExit)
    {
        _gate = gate;
        _slot = slot;
        _handler = handler;
        _onFailure = onFailure;
        _onExit = onExit;
        _thread = new Thread(Body) { IsBackground = true, Name = $"vcpu{slot.Index}" };
    }

    public bool IsAlive => _thread.IsAlive;

    public CpuSlot Slot => _slot;

    public int NativeThreadId => _nativeThreadId;

    /// <summary>Set while the thread waits at the closed run gate (outside KVM_RUN) or has ended.</summary>
    public ManualResetEventSlim PausedSignal => _paused;

    /// <summary>
    /// Starts the OS thread. Never under the CPU manager's lock (checked in debug builds). A thread
    /// asked to stop before it started runs its exit path at once.
    /// </summary>
    public void Start()
    {
        LockOrder.AssertNotHeld(LockRank.CpuManager, "starting a vCPU thread");
        _thread.Start();
    }

    /// <summary>Marks a thread that will never be started as ended (its plug failed), so waiters return.</summary>
    public void Abandon()
    {
        _paused.Set();
        _ended.Set();
    }

    /// <summary>Asks the thread to leave its run loop and kicks it out of KVM_RUN.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        Kick();
    }

    /// <summary>Runs <paramref name="work"/> on this vCPU's thread before it next enters the guest.</summary>
    public void Post(Action<IVcpu> work)
    {
        _work.Enqueue(work);
        _workPosted = true;
        Kick();
    }

    /// <summary>Forces the vCPU out of KVM_RUN so the thread looks at its requests.</summary>
    public void Kick()
    {
        _slot.Vcpu.Kick();
        int tid = _nativeThreadId;
        if (tid != 0)
        {
            Libc.Tgkill(Libc.GetPid(), tid, KickSignal);
        }
    }

    /// <summary>
    /// Waits for the thread to end; false on timeout. Valid before <see cref="Start"/> too (a thread
    /// reserved by a plug in progress): it then waits for the start and the run loop's exit.
    /// </summary>
    public bool Join(TimeSpan timeout) => _ended.Wait(timeout);

    private void Body()
    {
        try
        {
            PrepareThread();
            IVcpu vcpu = _slot.Vcpu;
            // The exit path, flattened: real vCPUs and the machine's dispatcher are called directly
            // (no interface dispatch per exit) with the kvm_run view read once; fakes in unit tests
            // go through the interfaces.
            KernelVcpu? kernelVcpu = vcpu as KernelVcpu;
            VcpuExitDispatcher? dispatcher = _handler as VcpuExitDispatcher;
            KvmRun run = kernelVcpu?.RunState ?? default;
            bool entered = false;
            while (!_stopRequested)
            {
                if (!_gate.IsOpen)
                {
                    _paused.Set();
                    // Work posted while paused (a snapshot's register reads and writes) runs here,
                    // on this thread, without entering the guest.
                    _gate.WaitWhileClosed(() =>
                    {
                        DrainWork(vcpu);
                        return _stopRequested;
                    });
                    _paused.Reset();
                    continue;
                }

                if (_workPosted)
                {
                    DrainWork(vcpu);
                }

                if (_stopRequested)
                {
                    break;
                }

                if (!entered)
                {
                    entered = true;
                    StartupTrace.MarkFirstGuestEntry(_slot.Index);
                }

                if (kernelVcpu is not null ? kernelVcpu.Run() : vcpu.Run())
                {
                    VcpuExitAction action = dispatcher is not null && kernelVcpu is not null
                        ? dispatcher.HandleExit(_slot, run)
                        : _handler.HandleExit(_slot);
                    if (action == VcpuExitAction.Stop)
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
            _paused.Set();
            _onExit(_slot);
            _ended.Set();
        }
    }

    private void DrainWork(IVcpu vcpu)
    {
        _workPosted = false;
        while (_work.TryDequeue(out Action<IVcpu>? work))
        {
            work(vcpu);
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

        // From here on the thread may only make the calls a vCPU thread needs (--seccomp).
        ThreadConfinement.Enter(ThreadKind.Vcpu);
    }

    // glibc's sigset_t is a bit array: signal n is bit n-1 of the first word.
    private static SigSet KickSet() => new() { KernelBits = 1UL << (KickSignal - 1) };

    private void ConsumeKick()
    {
        _slot.Vcpu.ClearKick();
        SigSet kick = KickSet();
        var noWait = default(Timespec);
        while (Libc.Sigtimedwait(&kick, 0, &noWait) == KickSignal)
        {
        }
    }
}
