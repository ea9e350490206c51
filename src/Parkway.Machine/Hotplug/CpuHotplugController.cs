using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Threading;

namespace Parkway.Machine.Hotplug;

/// <summary>
/// The control plane's view of CPU hot-plug, architecture-neutral: resolves device requests
/// (driver, id, topology properties) to slots with QEMU's validation order and error texts, drives
/// the <see cref="CpuManager"/> and tells the guest (it owns the guest notification). Never waits
/// for the guest: plug and unplug return once the guest has been notified; completion is reported
/// by events. Every refusal is a <see cref="MachineRequestException"/>.
/// </summary>
public sealed class CpuHotplugController
{
    private const string PeripheralPath = "/machine/peripheral/";

    private readonly CpuManager _cpus;
    private readonly CpuModel _model;
    private readonly Action? _notifyGuest;
    private readonly RankedLock _lock = new(LockRank.HotplugController, nameof(CpuHotplugController));

    // QEMU names a device plugged without an id "device[N]" under /machine/peripheral-anon, N counting
    // such devices from 0 for the machine's life. Per slot: the N of its last anonymous plug, -1 when
    // it was plugged with an id (or never). Written under _lock, read lock-free by event handlers.
    private readonly int[] _anonymousNumbers;
    private int _nextAnonymousNumber;

    // Per slot: the deadline of its pending unplug request (one-shot timer), under _lock.
    private readonly (Timer Timer, DateTimeOffset RequestedAt)?[] _unplugDeadlines;

    /// <summary>Creates the controller.</summary>
    /// <param name="cpus">The CPU slots.</param>
    /// <param name="model">The architecture's CPU type name and id wording.</param>
    /// <param name="notifyGuest">
    /// Asks the guest to look at the CPU hot-plug registers (arm64 ACPI: the GED CPU event); null when
    /// the guest has no way to learn of a plug (booted without ACPI), which makes hot-plug unavailable.
    /// </param>
    public CpuHotplugController(CpuManager cpus, CpuModel model, Action? notifyGuest)
    {
        _cpus = cpus;
        _model = model;
        _notifyGuest = notifyGuest;
        _anonymousNumbers = [.. Enumerable.Repeat(-1, cpus.Slots.Count)];
        _unplugDeadlines = new (Timer, DateTimeOffset)?[cpus.Slots.Count];
        Records = new HotplugRecorder(cpus.Slots.Count);
        _cpus.OstReported += OnOst;
        _cpus.GuestPoweredOn += slot => Records.GuestCpuOn(slot.Index);
        _cpus.GuestPoweredOff += slot => Records.GuestCpuOff(slot.Index);
        _cpus.Unplugged += slot => Records.ThreadStopped(slot.Index);
        UnplugFailed += (slot, failure) => Records.UnplugFailed(slot.Index, failure);
    }

    /// <summary>Every plug and unplug's timings, the resize in progress, the hot-plug counters.</summary>
    public HotplugRecorder Records { get; }

    /// <summary>
    /// Raised when a pending unplug is withdrawn without an eject: the guest reported through _OST
    /// that it failed (or refused) to eject the CPU, or <see cref="UnplugTimeout"/> passed. The
    /// slot stays plugged and the unplug can be requested again. Raised with no lock held, from
    /// the vCPU thread that wrote _OST or a timer thread.
    /// </summary>
    public event Action<CpuSlot, UnplugFailure>? UnplugFailed;

    /// <summary>How long the guest has to eject a CPU after an unplug request; null = forever (QEMU's behaviour).</summary>
    public TimeSpan? UnplugTimeout { get; set; }

    /// <summary>The device type name of a CPU.</summary>
    public string CpuType => _model.TypeName;

    /// <summary>True when CPUs can be plugged (the guest was booted with ACPI).</summary>
    public bool HotplugAvailable => _notifyGuest is not null;

    /// <summary>Every slot, highest index first (QEMU's order for query-hotpluggable-cpus).</summary>
    public IReadOnlyList<CpuSlotView> Slots()
    {
        using (_lock.EnterScope())
        {
            return [.. _cpus.Slots.Reverse().Select(View)];
        }
    }

    /// <summary>Plugged CPUs in index order (query-cpus-fast).</summary>
    public IReadOnlyList<CpuSlotView> PluggedCpus()
    {
        using (_lock.EnterScope())
        {
            return [.. _cpus.Slots.Where(static s => s.IsEnabled).Select(View)];
        }
    }

    /// <summary>Every slot in index order (query-cpus-powerstate).</summary>
    public IReadOnlyList<CpuSlotView> PowerStates()
    {
        using (_lock.EnterScope())
        {
            return [.. _cpus.Slots.Select(View)];
        }
    }

    /// <summary>device_add of a CPU.</summary>
    public void Add(string driver, string? id, CpuTopologyRequest props)
    {
        using (_lock.EnterScope())
        {
            CheckDriver(driver);
            if (id is not null && FindById(id) is not null)
            {
                throw Generic($"Duplicate device ID '{id}'");
            }

            CpuSlot slot = Resolve(props);
            if (slot.IsEnabled || slot.HasThread)
            {
                throw Generic($"CPU[{slot.Index}] with {_model.ArchIdName} 0x{slot.ArchId:x} exists");
            }

            RequireHotplug();
            Plug(slot, id);
        }
    }

    /// <summary>
    /// device_del: asks the guest to eject the CPU. Repeating it while the guest has not ejected yet
    /// is harmless: the guest is notified again (a retry for a guest that missed the first one).
    /// </summary>
    public void Delete(string idOrPath)
    {
        using (_lock.EnterScope())
        {
            CpuSlot slot = FindById(idOrPath) ?? FindByQomPath(idOrPath)
                ?? throw new MachineRequestException(MachineErrorKind.DeviceNotFound, $"Device '{idOrPath}' not found");
            if (!slot.IsEnabled && slot.HasThread)
            {
                // Ejected, its thread still stopping: the unplug asked for is under way and
                // DEVICE_DELETED follows, so this is a repeat, not a request for a parked slot
                // (found by the soak's racing clients: it answered "CPU slot N is not plugged").
                return;
            }

            Unplug(slot);
        }
    }

    /// <summary>
    /// device_set (RFC V6): admin-state=enable plugs the addressed slot, disable asks the guest to
    /// give it up. The slot is addressed by topology properties, or by the id it was plugged with.
    /// </summary>
    public void SetAdminState(string? driver, string? id, CpuTopologyRequest props, bool enable)
    {
        using (_lock.EnterScope())
        {
            if (driver is not null)
            {
                CheckDriver(driver);
            }

            bool hasProps = props.SocketId is not null || props.ClusterId is not null || props.CoreId is not null || props.ThreadId is not null;
            CpuSlot? byId = id is null ? null : FindById(id) ?? FindByQomPath(id);
            CpuSlot slot = hasProps ? Resolve(props) : byId
                ?? throw (id is null ? Generic("CPU socket-id is not set") : new MachineRequestException(MachineErrorKind.DeviceNotFound, $"Device '{id}' not found"));
            if (byId is not null && byId != slot)
            {
                throw Generic($"Device '{id}' is CPU[{byId.Index}], not CPU[{slot.Index}] given by the properties");
            }

            if (enable)
            {
                if (slot.IsEnabled)
                {
                    return; // Already enabled: setting the same state again changes nothing.
                }

                if (slot.HasThread)
                {
                    throw Generic($"CPU[{slot.Index}] is still being disabled; retry when DEVICE_DELETED arrives");
                }

                RequireHotplug();
                Plug(slot, id ?? slot.DeviceId);
            }
            else
            {
                if (!slot.IsEnabled && !slot.IsBootCpu)
                {
                    return;
                }

                Unplug(slot);
            }
        }
    }

    /// <summary>
    /// set-vcpus: plugs or unplugs CPUs until <paramref name="count"/> are plugged (see
    /// <see cref="ResizePlanner"/>), with one guest notification for the whole batch. Returns at
    /// once; each CPU's end and then the batch's are reported by <see cref="Records"/>.
    /// </summary>
    /// <param name="count">CPUs wanted.</param>
    /// <param name="unplugTimeout">Deadline for this batch's ejects; null = <see cref="UnplugTimeout"/>.</param>
    public ResizePlan Resize(int count, TimeSpan? unplugTimeout = null)
    {
        using (_lock.EnterScope())
        {
            RequireHotplug();
            ResizePlan plan = ResizePlanner.Plan([.. _cpus.Slots.Select(ResizeSlotOf)], count);
            var plugged = new List<int>();
            try
            {
                foreach (int index in plan.Plug)
                {
                    PlugWithoutNotice(_cpus.Slots[index], null);
                    plugged.Add(index);
                }
            }
            finally
            {
                if (plugged.Count > 0)
                {
                    _notifyGuest?.Invoke();
                }
            }

            foreach (int index in plan.Unplug)
            {
                RequestUnplugWithoutNotice(_cpus.Slots[index], unplugTimeout ?? UnplugTimeout);
            }

            if (plan.Unplug.Count > 0)
            {
                _notifyGuest?.Invoke();
            }

            Records.ResizeStarted(count, plugged, plan.Unplug);
            return plan;
        }
    }

    private static ResizeSlot ResizeSlotOf(CpuSlot slot)
    {
        CpuSlotState state = slot.State;
        return new ResizeSlot(slot.Index, state.IsEnabled, state.IsRemovePending, state.HasThread, CanUnplug: !slot.IsBootCpu);
    }

    private void Plug(CpuSlot slot, string? id)
    {
        PlugWithoutNotice(slot, id);
        _notifyGuest?.Invoke();
    }

    private void PlugWithoutNotice(CpuSlot slot, string? id)
    {
        Records.Accepted(slot.Index, HotplugKind.Plug, DateTimeOffset.UtcNow);
        _cpus.Plug(slot.Index, id);
        Records.ThreadStarted(slot.Index);
        Volatile.Write(ref _anonymousNumbers[slot.Index], id is null ? _nextAnonymousNumber++ : -1);
    }

    private void Unplug(CpuSlot slot)
    {
        if (slot.IsBootCpu)
        {
            CpuTopologyIds ids = slot.TopologyIds;
            throw Generic($"Boot CPU(id{slot.Index}={ids.SocketId}:{ids.ClusterId}:{ids.CoreId}:{ids.ThreadId}) hot-unplug not supported");
        }

        if (!HotplugAvailable)
        {
            throw Generic("CPU hot unplug not supported without ACPI");
        }

        RequestUnplugWithoutNotice(slot, UnplugTimeout);
        _notifyGuest?.Invoke();
    }

    private void RequestUnplugWithoutNotice(CpuSlot slot, TimeSpan? unplugTimeout)
    {
        DateTimeOffset requestedAt = _cpus.RequestUnplug(slot.Index);
        Records.Accepted(slot.Index, HotplugKind.Unplug, requestedAt);
        if (unplugTimeout is { } timeout)
        {
            ScheduleUnplugDeadline(slot, requestedAt, timeout);
        }
    }

    /// <summary>One timer per pending request; a repeated request keeps its first deadline.</summary>
    private void ScheduleUnplugDeadline(CpuSlot slot, DateTimeOffset requestedAt, TimeSpan timeout)
    {
        if (_unplugDeadlines[slot.Index] is { } current)
        {
            if (current.RequestedAt == requestedAt)
            {
                return;
            }

            current.Timer.Dispose();
        }

        TimeSpan due = requestedAt + timeout - DateTimeOffset.UtcNow;
        var timer = new Timer(_ => OnUnplugDeadline(slot, requestedAt), null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
        _unplugDeadlines[slot.Index] = (timer, requestedAt);
    }

    private void OnUnplugDeadline(CpuSlot slot, DateTimeOffset requestedAt)
    {
        // Only the request this timer was set for: an eject, a refusal or a newer request since
        // then makes it a no-op.
        if (_cpus.CancelUnplug(slot.Index, requestedAt))
        {
            UnplugFailed?.Invoke(slot, UnplugFailure.TimedOut);
        }
    }

    /// <summary>
    /// ACPI _OST after an eject request (source 3) or OSPM eject processing (0x103): 0 is success and
    /// 0x84 "ejection in progress"; any other status means the guest gave up on this eject
    /// (Linux: 0x80 eject not supported/disabled, 0x82 device busy, 1 failure).
    /// </summary>
    private void OnOst(CpuSlot slot, uint ostEvent, uint ostStatus)
    {
        bool aboutEject = ostEvent is OstEjectRequest or OstOspmEject;
        Records.GuestOst(slot.Index);
        if (aboutEject && ostStatus is not (OstSuccess or OstEjectInProgress) && _cpus.CancelUnplug(slot.Index))
        {
            UnplugFailed?.Invoke(slot, UnplugFailure.GuestRefused);
        }
    }

    private const uint OstEjectRequest = 3;
    private const uint OstOspmEject = 0x103;
    private const uint OstSuccess = 0;
    private const uint OstEjectInProgress = 0x84;

    private void CheckDriver(string driver)
    {
        if (driver != CpuType)
        {
            throw Generic($"'{driver}' is not a valid device model name");
        }
    }

    private void RequireHotplug()
    {
        if (!HotplugAvailable)
        {
            throw Generic("CPU hotplug not supported on this machine: boot the guest with --acpi on");
        }
    }

    private CpuSlot Resolve(CpuTopologyRequest props)
    {
        CpuTopology topology = _cpus.Config.Topology;
        int socket = Required(props.SocketId, "socket-id", topology.Sockets);
        // cluster-id is the level QEMU added last (7.1), so clients written before it (QEMU's own CPU
        // hot-plug test among them) send socket/core/thread only. QEMU treats such a late level the
        // same way on x86 (die-id, module-id): missing is 0 when the level has a single member, an
        // error when it has several. The original levels stay required, as in QEMU.
        int cluster = Required(props.ClusterId ?? (topology.Clusters == 1 ? 0 : null), "cluster-id", topology.Clusters);
        int core = Required(props.CoreId, "core-id", topology.Cores);
        int thread = Required(props.ThreadId, "thread-id", topology.Threads);
        return _cpus.Slots[topology.IndexOf(new CpuTopologyIds(socket, cluster, core, thread))];
    }

    private static int Required(int? value, string name, int count)
    {
        if (value is not { } given)
        {
            throw Generic($"CPU {name} is not set");
        }

        if (given < 0 || given >= count)
        {
            throw Generic($"Invalid CPU {name}: {given} must be in range 0:{count - 1}");
        }

        return given;
    }

    private CpuSlot? FindById(string id) => _cpus.Slots.FirstOrDefault(s => s.DeviceId == id && (s.IsEnabled || s.HasThread));

    private CpuSlot? FindByQomPath(string path) => _cpus.Slots.FirstOrDefault(s => (s.IsEnabled || s.HasThread) && QomPath(s, s.State) == path);

    private string? QomPath(CpuSlot slot, CpuSlotState state) =>
        !state.IsEnabled && !state.HasThread ? null : DevicePath(slot, state.DeviceId);

    /// <summary>
    /// The QOM path of the CPU device in <paramref name="slot"/> (or last in it, once parked): by its
    /// id when it was plugged with one, QEMU's usual places otherwise (boot CPUs under
    /// <c>/machine/unattached</c>, anonymous plugs as <c>/machine/peripheral-anon/device[N]</c>).
    /// </summary>
    public string DevicePath(CpuSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        return DevicePath(slot, slot.DeviceId);
    }

    private string DevicePath(CpuSlot slot, string? deviceId) =>
        deviceId is { } id ? PeripheralPath + id
        : Volatile.Read(ref _anonymousNumbers[slot.Index]) is >= 0 and int number ? $"/machine/peripheral-anon/device[{number}]"
        : $"/machine/unattached/device[{slot.Index}]"; // a CPU plugged at boot

    // One snapshot per slot: the view never mixes two moments of a slot the guest is changing.
    private CpuSlotView View(CpuSlot slot)
    {
        CpuSlotState state = slot.State;
        return new(
            slot.Index,
            slot.TopologyIds,
            slot.ArchId,
            state.IsEnabled,
            slot.IsBootCpu,
            state.DeviceId,
            QomPath(slot, state),
            state.ThreadId,
            state.IsPoweredOn ? CpuOperState.On : state.HasThread ? CpuOperState.Standby : CpuOperState.Off,
            state.IsRemovePending,
            state.UnplugRequestedAt);
    }

    private static MachineRequestException Generic(string message) => new(MachineErrorKind.Generic, message);
}
