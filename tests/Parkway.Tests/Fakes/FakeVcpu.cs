using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine.Cpu;
using Parkway.Threading;

namespace Parkway.Tests.Fakes;

/// <summary>
/// A vCPU without KVM for unit tests of the slot state machine, the vCPU threads and the exit
/// dispatcher. <see cref="Run"/> behaves like KVM_RUN with immediate_exit: it returns false at once
/// while kicked, returns true for each exit a test queued (written into a zeroed kvm_run page the
/// exit handlers read in place), and otherwise blocks — as a vCPU inside the guest would — until
/// kicked or given an exit. Registers and MP state are plain fields. Like a real vCPU, every call
/// that would be an ioctl asserts the CPU manager's lock is not held (lock-order checking).
/// </summary>
internal sealed unsafe class FakeVcpu : IVcpu
{
    private const int PageSize = 8192;

    private readonly object _lock = new();
    private readonly Queue<Action<nint>> _exits = new();
    private readonly Dictionary<ulong, ulong> _registers = [];
    private readonly Action<FakeVcpu>? _onReset;
    private readonly byte* _page;
    private bool _kicked;
    private KvmMpState _mpState = KvmMpState.Runnable;

    public FakeVcpu(int id, Action<FakeVcpu>? onReset = null)
    {
        Id = id;
        _onReset = onReset;
        // SAFETY: a zeroed native block standing in for the kvm_run mapping; freed once in Dispose.
        _page = (byte*)NativeMemory.AllocZeroed(PageSize);
    }

    public int Id { get; }

    /// <summary>How many times a thread entered <see cref="Run"/>.</summary>
    public int RunCalls { get; private set; }

    /// <summary>Set while a thread is blocked inside <see cref="Run"/> ("in the guest").</summary>
    public ManualResetEventSlim InGuest { get; } = new(initialState: false);

    /// <summary>Every signal mask set (one per vCPU thread start).</summary>
    public List<ulong> SignalMasks { get; } = [];

    public bool Disposed { get; private set; }

    /// <summary>The exit just taken, as the exit handlers see it.</summary>
    // SAFETY: KvmRun is exactly one page pointer (checked in KvmAbiTests); _page lives until Dispose.
    public KvmRun RunState
    {
        get
        {
            nint address = (nint)_page;
            return Unsafe.As<nint, KvmRun>(ref address);
        }
    }

    /// <summary>Queues an exit: <paramref name="write"/> fills the kvm_run page before Run returns true.</summary>
    public void QueueExit(Action<nint> write)
    {
        lock (_lock)
        {
            _exits.Enqueue(write);
            Monitor.PulseAll(_lock);
        }
    }

    public bool Run()
    {
        LockOrder.AssertNotHeld(LockRank.CpuManager, "a vCPU ioctl");
        lock (_lock)
        {
            RunCalls++;
            while (!_kicked && _exits.Count == 0)
            {
                InGuest.Set();
                Monitor.Wait(_lock);
            }

            InGuest.Reset();
            if (_kicked)
            {
                return false;
            }

            new Span<byte>(_page, PageSize).Clear();
            _exits.Dequeue()((nint)_page);
            return true;
        }
    }

    public void Kick()
    {
        lock (_lock)
        {
            _kicked = true;
            Monitor.PulseAll(_lock);
        }
    }

    public void ClearKick()
    {
        lock (_lock)
        {
            _kicked = false;
        }
    }

    public void SetSignalMask(ulong kernelSigset)
    {
        LockOrder.AssertNotHeld(LockRank.CpuManager, "a vCPU ioctl");
        lock (_lock)
        {
            SignalMasks.Add(kernelSigset);
        }
    }

    public void Reset()
    {
        LockOrder.AssertNotHeld(LockRank.CpuManager, "a vCPU ioctl");
        lock (_lock)
        {
            _registers.Clear();
            _mpState = KvmMpState.Stopped;
        }

        _onReset?.Invoke(this);
    }

    public ulong GetRegister(ulong id)
    {
        LockOrder.AssertNotHeld(LockRank.CpuManager, "a vCPU ioctl");
        lock (_lock)
        {
            return _registers.GetValueOrDefault(id);
        }
    }

    public void SetRegister(ulong id, ulong value)
    {
        LockOrder.AssertNotHeld(LockRank.CpuManager, "a vCPU ioctl");
        lock (_lock)
        {
            _registers[id] = value;
        }
    }

    public KvmMpState GetMpState()
    {
        LockOrder.AssertNotHeld(LockRank.CpuManager, "a vCPU ioctl");
        lock (_lock)
        {
            return _mpState;
        }
    }

    public void SetMpState(KvmMpState state)
    {
        LockOrder.AssertNotHeld(LockRank.CpuManager, "a vCPU ioctl");
        lock (_lock)
        {
            _mpState = state;
        }
    }

    public void Dispose()
    {
        if (Disposed)
        {
            return;
        }

        Disposed = true;
        InGuest.Dispose();
        // SAFETY: allocated in the constructor, freed exactly once (guarded by Disposed).
        NativeMemory.Free(_page);
    }
}
