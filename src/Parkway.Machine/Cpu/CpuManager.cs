using Microsoft.Extensions.Logging;
using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine.Config;
using Parkway.Threading;

namespace Parkway.Machine.Cpu;

/// <summary>
/// Owns every possible CPU slot and the park/unpark mechanism (docs/architecture.md, "vCPU lifecycle").
/// At build time it creates and initialises a KVM vCPU for EVERY possible slot — before the
/// interrupt controller is initialised, because KVM (and the GICv3 architecture) fix the set of
/// CPUs then — and records each slot's architecture id. Plugged slots get a vCPU thread; parked
/// slots keep their vCPU and run nothing.
/// Plug: reset the parked vCPU (powered off), start its thread, mark the slot enabled + inserting;
/// the guest, once notified, starts it with CPU_ON. Unplug: mark remove-pending; the guest stops
/// the CPU (CPU_OFF) and ejects it; the thread is stopped and the slot parked again.
/// Lock order: <see cref="_lock"/> guards every slot's mutable state. Only device locks may be
/// taken under it (none are); it is never held for an ioctl, a thread start, a wait for a vCPU
/// thread or a call out (events) — checked by <see cref="LockOrder"/> in debug builds.
/// </summary>
public sealed partial class CpuManager : IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly RankedLock _lock;
    private readonly CpuSlot[] _slots;
    private readonly IVcpuArchitecture _architecture;
    private readonly ILogger _logger;
    private readonly VcpuRunGate _gate = new();
    private IVcpuExitHandler? _exitHandler;
    private Action<CpuSlot, Exception>? _onFailure;
    private bool _shuttingDown;

    private CpuManager(CpuConfig config, CpuSlot[] slots, IVcpuArchitecture architecture, RankedLock guard, ILogger logger)
    {
        _lock = guard;
        Config = config;
        _slots = slots;
        _architecture = architecture;
        _logger = logger;
    }

    /// <summary>Raised (outside any lock) after a slot's thread stopped because the guest ejected it.</summary>
    public event Action<CpuSlot>? Unplugged;

    // The time of the latest unplug request (under _lock), to keep request times unique.
    private DateTimeOffset _lastUnplugRequest;

    /// <summary>Raised (outside any lock, on the caller's vCPU thread) when the guest starts a plugged CPU with CPU_ON.</summary>
    public event Action<CpuSlot>? GuestPoweredOn;

    /// <summary>Raised (outside any lock, on the CPU's own thread) when the guest stops a CPU with CPU_OFF.</summary>
    public event Action<CpuSlot>? GuestPoweredOff;

    /// <summary>Raised when the guest reports an _OST status for a slot: (slot, event, status).</summary>
    public event Action<CpuSlot, uint, uint>? OstReported;

    /// <summary>The CPU configuration the slots were made from.</summary>
    public CpuConfig Config { get; }

    /// <summary>Every possible slot, by index.</summary>
    public IReadOnlyList<CpuSlot> Slots => _slots;

    /// <summary>Number of KVM vCPUs created (always every possible slot).</summary>
    public int CreatedCount => _slots.Length;

    /// <summary>Number of slots with a vCPU thread.</summary>
    public int RunningCount
    {
        get
        {
            using (_lock.EnterScope())
            {
                return _slots.Count(static s => s.Thread is not null);
            }
        }
    }

    /// <summary>True while vCPUs are allowed to run (not paused by <see cref="Pause"/>).</summary>
    public bool IsRunning => _gate.IsOpen;

    /// <summary>
    /// Creates every possible vCPU, in slot order (= vCPU id = redistributor order), and reads back
    /// each one's architecture id. Must run before the interrupt controller is initialised.
    /// </summary>
    public static CpuManager CreateAll(KvmVm vm, CpuConfig config, IVcpuArchitecture architecture, ILogger logger)
    {
        var slots = new CpuSlot[config.Max];
        var guard = new RankedLock(LockRank.CpuManager, nameof(CpuManager));
        int created = 0;
        try
        {
            for (int index = 0; index < config.Max; index++)
            {
                IVcpu vcpu = CreateVcpu(vm, architecture, index);
                created++;
                ulong archId = architecture.ReadArchId(vcpu);
                slots[index] = new CpuSlot(index, config.Topology.IdsOf(index), vcpu, archId, isBootCpu: config.IsFixedBootCpu(index), guard)
                {
                    IsEnabled = index < config.Boot,
                    IsPoweredOn = index == 0,
                };
            }
        }
        catch
        {
            for (int index = 0; index < created; index++)
            {
                slots[index]?.Vcpu.Dispose();
            }

            throw;
        }

        Log.SlotsCreated(logger, config.Max, config.Boot);
        return new CpuManager(config, slots, architecture, guard, logger);
    }

    /// <summary>
    /// Creates one vCPU. Also used after the VM was built to prove the rule Parkway is built on:
    /// once the vGIC is initialised KVM refuses with EBUSY, which is reported as a configuration
    /// error naming the rule rather than as a bare errno.
    /// </summary>
    public static IVcpu CreateVcpu(KvmVm vm, IVcpuArchitecture architecture, int id)
    {
        try
        {
            // Slot 0 is the only CPU that starts executing on its own; every other CPU (boot CPUs
            // included) is started by the guest with PSCI CPU_ON.
            return architecture.CreateVcpu(vm, id, startsRunning: id == 0);
        }
        catch (KvmException e) when (e.ErrorNumber == Errno.EBUSY && e.Operation == "KVM_CREATE_VCPU")
        {
            throw new ConfigurationException(
                $"cannot create vCPU {id}: KVM refused (EBUSY) because the interrupt controller is already initialised; every possible vCPU must be created before the vGIC",
                e);
        }
    }

    /// <summary>Finds the slot whose architecture id matches <paramref name="archId"/> under <paramref name="mask"/>.</summary>
    public CpuSlot? FindByArchId(ulong archId, ulong mask) =>
        Array.Find(_slots, s => (s.ArchId & mask) == (archId & mask));

    /// <summary>Starts a thread for each enabled slot (the boot CPUs). Call once, after the machine is built.</summary>
    public void Start(IVcpuExitHandler exitHandler, Action<CpuSlot, Exception> onFailure)
    {
        var started = new List<VcpuThread>();
        using (_lock.EnterScope())
        {
            _exitHandler = exitHandler;
            _onFailure = onFailure;
            foreach (CpuSlot slot in _slots)
            {
                if (slot.IsEnabled)
                {
                    started.Add(AssignThreadLocked(slot));
                }
            }
        }

        foreach (VcpuThread thread in started)
        {
            StartThread(thread);
        }
    }

    /// <summary>
    /// Plugs a parked slot: resets its vCPU (powered off), starts its thread, marks it enabled and
    /// inserting. Telling the guest is the caller's (<see cref="Hotplug.CpuHotplugController"/>).
    /// </summary>
    /// <remarks>
    /// Three steps, so that the reset ioctl and the thread start happen with no lock held: claim the
    /// slot (and reserve its thread, so a concurrent <see cref="StopAll"/> or <see cref="Pause"/>
    /// waits for it), reset the vCPU, publish the slot as plugged, then start the thread.
    /// </remarks>
    public void Plug(int index, string? deviceId)
    {
        CpuSlot slot = _slots[index];
        VcpuThread? thread = null;
        using (_lock.EnterScope())
        {
            if (slot.IsEnabled || slot.IsPlugging)
            {
                throw new MachineRequestException($"CPU slot {index} is already plugged");
            }

            if (slot.Thread is not null)
            {
                throw new MachineRequestException($"CPU slot {index} is still being unplugged; retry when DEVICE_DELETED arrives");
            }

            if (_shuttingDown)
            {
                throw new MachineRequestException("the machine is shutting down");
            }

            if (_resetting)
            {
                throw new MachineRequestException("the machine is resetting; retry when the RESET event arrives");
            }

            slot.IsPlugging = true;
            if (_exitHandler is not null)
            {
                thread = AssignThreadLocked(slot);
            }
        }

        try
        {
            // No thread runs this vCPU (its thread is reserved, not started), so the ioctls cannot
            // block; the reset gives a re-plugged CPU the same clean state as a first plug (same
            // architecture id, powered off, registers reset).
            slot.Vcpu.Reset();
        }
        catch
        {
            using (_lock.EnterScope())
            {
                slot.IsPlugging = false;
                slot.Thread = null;
            }

            thread?.Abandon();
            throw;
        }

        using (_lock.EnterScope())
        {
            slot.IsPlugging = false;
            slot.IsEnabled = true;
            slot.IsInserting = true;
            slot.IsPoweredOn = false;
            slot.DeviceId = deviceId;
            slot.LastOst = null;
        }

        if (thread is not null)
        {
            StartThread(thread);
        }

        Log.Plugged(_logger, index, _architecture.Model.ArchIdName, slot.ArchId);
    }

    /// <summary>
    /// Marks a plugged CPU for unplug. Only a request: the slot stays plugged until the guest ejects
    /// it. Repeating a pending request is harmless. Telling the guest is the caller's.
    /// </summary>
    /// <returns>When the pending request was first made.</returns>
    public DateTimeOffset RequestUnplug(int index)
    {
        CpuSlot slot = _slots[index];
        DateTimeOffset requestedAt;
        using (_lock.EnterScope())
        {
            if (slot.IsBootCpu)
            {
                throw new MachineRequestException($"CPU {index} was present at boot and cannot be unplugged");
            }

            if (!slot.IsEnabled)
            {
                throw new MachineRequestException($"CPU slot {index} is not plugged");
            }

            // A repeated request keeps the first one's time: a deadline counts from it. Times are
            // made strictly increasing, so a request's time also names it (CancelUnplug).
            if (slot.UnplugRequestedAt is null)
            {
                DateTimeOffset now = DateTimeOffset.UtcNow;
                _lastUnplugRequest = now > _lastUnplugRequest ? now : _lastUnplugRequest.AddTicks(1);
                slot.UnplugRequestedAt = _lastUnplugRequest;
            }

            slot.IsRemovePending = true;
            slot.IsRemoving = true;
            requestedAt = slot.UnplugRequestedAt.Value;
        }

        Log.UnplugRequested(_logger, index);
        return requestedAt;
    }

    /// <summary>
    /// Withdraws a pending unplug request (the guest refused the eject, or did nothing in time): the
    /// slot stays plugged and a new request may follow. With <paramref name="requestedAt"/>, only the
    /// request made at that time is withdrawn (a deadline never cancels a later request).
    /// </summary>
    /// <returns>True when a pending request was withdrawn.</returns>
    public bool CancelUnplug(int index, DateTimeOffset? requestedAt = null)
    {
        CpuSlot slot = _slots[index];
        using (_lock.EnterScope())
        {
            if (!slot.IsRemovePending || (requestedAt is { } time && slot.UnplugRequestedAt != time))
            {
                return false;
            }

            slot.IsRemovePending = false;
            slot.IsRemoving = false;
            slot.UnplugRequestedAt = null;
        }

        Log.UnplugWithdrawn(_logger, index);
        return true;
    }

    /// <summary>
    /// The guest ejected a CPU (ACPI _EJ0). Accepted only for a slot with an unplug pending that is
    /// not a boot CPU — anything else is a hostile or confused guest and is refused. The slot stops
    /// being enabled at once; its thread is stopped asynchronously and <see cref="Unplugged"/> follows.
    /// </summary>
    public bool Eject(int index)
    {
        if ((uint)index >= (uint)_slots.Length)
        {
            return false;
        }

        CpuSlot slot = _slots[index];
        VcpuThread? thread;
        using (_lock.EnterScope())
        {
            if (slot.IsBootCpu || !slot.IsEnabled || !slot.IsRemovePending)
            {
                return false;
            }

            slot.IsEnabled = false;
            slot.IsRemovePending = false;
            slot.IsRemoving = false;
            slot.UnplugRequestedAt = null;
            slot.IsInserting = false;
            thread = slot.Thread;
        }

        Log.Ejected(_logger, index);
        if (thread is null)
        {
            Unplugged?.Invoke(slot);
        }
        else
        {
            thread.RequestStop();
        }

        return true;
    }

    /// <summary>Clears a slot's insert event (the guest acknowledged the plug).</summary>
    public void ClearInsert(int index)
    {
        using (_lock.EnterScope())
        {
            _slots[index].IsInserting = false;
        }
    }

    /// <summary>Clears a slot's remove event (the guest acknowledged the unplug request).</summary>
    public void ClearRemove(int index)
    {
        using (_lock.EnterScope())
        {
            _slots[index].IsRemoving = false;
        }
    }

    /// <summary>Records the guest's _OST report and raises <see cref="OstReported"/>.</summary>
    public void ReportOst(int index, uint ostEvent, uint ostStatus)
    {
        CpuSlot slot = _slots[index];
        using (_lock.EnterScope())
        {
            slot.LastOst = (ostEvent, ostStatus);
        }

        OstReported?.Invoke(slot, ostEvent, ostStatus);
    }

    /// <summary>
    /// PSCI CPU_ON from a running CPU: starts the target if it is plugged and off. The target is
    /// reset and started by its own thread (kicked out of KVM_RUN), never from the caller's thread.
    /// </summary>
    public CpuPowerOnResult PowerOn(CpuSlot? target, ulong entry, ulong context)
    {
        if (target is null)
        {
            return CpuPowerOnResult.NoSuchCpu;
        }

        VcpuThread? thread;
        using (_lock.EnterScope())
        {
            if (!target.IsEnabled || target.Thread is null || target.IsRemovePending && !target.IsPoweredOn)
            {
                return CpuPowerOnResult.Denied;
            }

            if (target.IsPoweredOn)
            {
                return CpuPowerOnResult.AlreadyOn;
            }

            target.IsPoweredOn = true;
            thread = target.Thread;
        }

        thread.Post(vcpu => _architecture.PowerOn(vcpu, entry, context));
        Log.PoweredOn(_logger, target.Index, entry);
        GuestPoweredOn?.Invoke(target);
        return CpuPowerOnResult.Started;
    }

    /// <summary>PSCI CPU_OFF, on the calling CPU's own thread: the vCPU stops until powered on again.</summary>
    public void PowerOffSelf(CpuSlot slot)
    {
        _architecture.PowerOff(slot.Vcpu);
        using (_lock.EnterScope())
        {
            slot.IsPoweredOn = false;
        }

        Log.PoweredOff(_logger, slot.Index);
        GuestPoweredOff?.Invoke(slot);
    }

    /// <summary>
    /// Pauses every vCPU outside KVM_RUN and waits (bounded) until they are; plugged-while-paused
    /// CPUs start paused. Never holds the lock while waiting.
    /// </summary>
    public void Pause()
    {
        _gate.Close();
        List<VcpuThread> threads = Threads();
        foreach (VcpuThread thread in threads)
        {
            thread.Kick();
        }

        WaitForAll(threads, static (thread, left) => thread.PausedSignal.Wait(left));
    }

    /// <summary>Lets paused vCPUs run again.</summary>
    public void Resume() => _gate.Open();

    /// <summary>
    /// Stops every vCPU thread for good (machine shutdown): all are asked and kicked first, then
    /// waited for, so the total time is one kick latency rather than one per vCPU.
    /// </summary>
    public void StopAll()
    {
        using (_lock.EnterScope())
        {
            _shuttingDown = true;
        }

        List<VcpuThread> threads = Threads();
        foreach (VcpuThread thread in threads)
        {
            thread.RequestStop();
        }

        WaitForAll(threads, static (thread, left) => thread.Join(left));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        StopAll();
        List<IVcpu> idle;
        using (_lock.EnterScope())
        {
            // A thread that did not stop in time still uses its vCPU: leak it rather than unmap under it.
            idle = [.. _slots.Where(static s => s.Thread is null && !s.IsPlugging).Select(static s => s.Vcpu)];
        }

        foreach (IVcpu vcpu in idle)
        {
            vcpu.Dispose();
        }

        _gate.Dispose();
    }

    /// <summary>Waits for every thread under one shared deadline (callers signal them all first).</summary>
    private void WaitForAll(List<VcpuThread> threads, Func<VcpuThread, TimeSpan, bool> wait)
    {
        DateTime deadline = DateTime.UtcNow + StopTimeout;
        foreach (VcpuThread thread in threads)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (!wait(thread, left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                Log.StopTimedOut(_logger, thread.NativeThreadId);
            }
        }
    }

    private List<VcpuThread> Threads()
    {
        using (_lock.EnterScope())
        {
            return [.. _slots.Select(static s => s.Thread).OfType<VcpuThread>()];
        }
    }

    /// <summary>Creates the slot's thread (not started: no OS thread exists yet) and records it.</summary>
    private VcpuThread AssignThreadLocked(CpuSlot slot)
    {
        var thread = new VcpuThread(slot, _gate, _exitHandler!, _onFailure!, OnThreadExited);
        slot.Thread = thread;
        return thread;
    }

    private void StartThread(VcpuThread thread)
    {
        thread.Start();
        Log.Unparked(_logger, thread.Slot.Index, _architecture.Model.ArchIdName, thread.Slot.ArchId);
    }

    private void OnThreadExited(CpuSlot slot)
    {
        bool ejected;
        using (_lock.EnterScope())
        {
            slot.Thread = null;
            slot.IsPoweredOn = false;
            ejected = !_shuttingDown && !slot.IsEnabled;
        }

        if (ejected)
        {
            Log.Parked(_logger, slot.Index);
            Unplugged?.Invoke(slot);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "created {Possible} vCPUs ({Boot} plugged at boot, the rest parked)")]
        public static partial void SlotsCreated(ILogger logger, int possible, int boot);

        [LoggerMessage(Level = LogLevel.Debug, Message = "vCPU {Slot} ({ArchIdName} 0x{ArchId:x}) unparked: thread started")]
        public static partial void Unparked(ILogger logger, int slot, string archIdName, ulong archId);

        [LoggerMessage(Level = LogLevel.Information, Message = "vCPU {Slot} parked: thread stopped, vCPU kept")]
        public static partial void Parked(ILogger logger, int slot);

        [LoggerMessage(Level = LogLevel.Information, Message = "CPU {Slot} ({ArchIdName} 0x{ArchId:x}) plugged")]
        public static partial void Plugged(ILogger logger, int slot, string archIdName, ulong archId);

        [LoggerMessage(Level = LogLevel.Information, Message = "CPU {Slot}: unplug requested from the guest")]
        public static partial void UnplugRequested(ILogger logger, int slot);

        [LoggerMessage(Level = LogLevel.Information, Message = "CPU {Slot}: unplug request withdrawn (the guest refused it or did not eject in time)")]
        public static partial void UnplugWithdrawn(ILogger logger, int slot);

        [LoggerMessage(Level = LogLevel.Information, Message = "CPU {Slot} ejected by the guest")]
        public static partial void Ejected(ILogger logger, int slot);

        [LoggerMessage(Level = LogLevel.Debug, Message = "CPU {Slot} powered on at 0x{Entry:x}")]
        public static partial void PoweredOn(ILogger logger, int slot, ulong entry);

        [LoggerMessage(Level = LogLevel.Debug, Message = "CPU {Slot} powered off")]
        public static partial void PoweredOff(ILogger logger, int slot);

        [LoggerMessage(Level = LogLevel.Warning, Message = "vCPU thread {Tid} did not stop in time")]
        public static partial void StopTimedOut(ILogger logger, int tid);
    }
}
