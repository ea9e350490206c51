using System.Text.Json;
using System.Text.Json.Nodes;
using Parkway.Machine;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Hotplug;
using Parkway.Qmp;

namespace Parkway.Control;

/// <summary>
/// The running machine (any architecture, through <see cref="IMachine"/>) as the QMP server sees
/// it: maps QMP commands onto the hot-plug controller and the machine, turns the machine's one
/// refusal type into QEMU's error classes, and machine happenings (guest ejected a CPU, _OST,
/// shutdown) into QMP events. Arguments the dispatcher already validated (driver present,
/// admin-state value) are not checked again. Every call returns without waiting for the guest.
/// </summary>
internal sealed class QmpMachine : IQmpMachine, IDisposable
{
    private static readonly string[] TopologyProperties = ["socket-id", "cluster-id", "core-id", "thread-id"];

    private readonly IMachine _machine;
    private readonly SnapshotMigration _migration;
    private int _shutdownReported;

    public QmpMachine(IMachine machine)
    {
        _machine = machine;
        _migration = new SnapshotMigration(machine, Raise);
        _machine.Cpus.Unplugged += OnUnplugged;
        _machine.Cpus.OstReported += OnOst;
        _machine.Hotplug.UnplugFailed += OnUnplugFailed;
        _machine.Hotplug.Records.Completed += OnHotplugCompleted;
        _machine.Hotplug.Records.ResizeCompleted += OnResized;
        _machine.Lifetime.ResetDone += OnReset;
    }

    public event Action<QmpEvent>? EventRaised;

    private CpuHotplugController Hotplug => _machine.Hotplug;

    public QmpStatusInfo QueryStatus() =>
        Volatile.Read(ref _shutdownReported) != 0 ? new QmpStatusInfo(false, "shutdown")
        : _machine.IsRunning ? new QmpStatusInfo(true, "running")
        : _migration.IsActive ? new QmpStatusInfo(false, "finish-migrate")
        : _migration.IsPostMigrate ? new QmpStatusInfo(false, "postmigrate")
        : new QmpStatusInfo(false, "paused");

    public IReadOnlyList<QmpHotpluggableCpu> QueryHotpluggableCpus()
    {
        string type = _machine.CpuModel.TypeName;
        return [.. Hotplug.Slots().Select(s => new QmpHotpluggableCpu(type, 1, Props(s.TopologyIds), s.QomPath))];
    }

    public IReadOnlyList<QmpCpuInfoFast> QueryCpusFast() =>
        [.. Hotplug.PluggedCpus().Select(static s => new QmpCpuInfoFast(s.Index, s.QomPath!, s.HostThreadId, Props(s.TopologyIds)))];

    public IReadOnlyList<QmpCpuPowerState> QueryCpusPowerState() =>
        [.. Hotplug.PowerStates().Select(static s => new QmpCpuPowerState(
            s.Index,
            s.QomPath,
            Props(s.TopologyIds),
            s.IsPlugged ? "enabled" : "disabled",
            s.OperState switch { CpuOperState.On => "on", CpuOperState.Standby => "standby", _ => "off" },
            s.UnplugPending,
            s.UnplugRequestedAt is { } at ? QmpTimestamp.From(at) : null))];

    public void DeviceAdd(QmpDeviceArguments arguments)
    {
        // The dispatcher requires "driver" for device_add.
        string driver = arguments.Driver!;
        _migration.RefuseWhileActive("device_add");
        Translate(() => Hotplug.Add(driver, arguments.Id, TopologyOf(driver, arguments.Properties)));
    }

    public void DeviceDel(string id)
    {
        _migration.RefuseWhileActive("device_del");
        Translate(() => Hotplug.Delete(id));
    }

    public void Migrate(string uri) => _migration.Start(uri);

    public JsonObject QueryMigrate() => _migration.Query();

    public void DeviceSet(QmpDeviceArguments arguments, string adminState)
    {
        // The dispatcher accepts only "enable" and "disable".
        bool enable = adminState == "enable";
        _migration.RefuseWhileActive("device_set");
        string driver = arguments.Driver ?? _machine.CpuModel.TypeName;
        Translate(() => Hotplug.SetAdminState(arguments.Driver, arguments.Id, TopologyOf(driver, arguments.Properties), enable));
    }

    public void SetVcpus(int count, double? unplugTimeoutSeconds)
    {
        _migration.RefuseWhileActive("set-vcpus");
        TimeSpan? timeout = null;
        if (unplugTimeoutSeconds is { } seconds)
        {
            // QEMU's text for a parameter value out of its range.
            timeout = seconds is > 0 and <= 86400
                ? TimeSpan.FromSeconds(seconds)
                : throw QmpErrorException.GenericError("Parameter 'unplug-timeout' expects a number of seconds between 0 and 86400");
        }

        Translate(() => Hotplug.Resize(count, timeout));
    }

    public void Stop()
    {
        if (_migration.IsActive)
        {
            return; // the save has paused the machine already
        }

        if (_machine.IsRunning)
        {
            _machine.Pause();
            Raise("STOP");
        }
    }

    public void Cont()
    {
        if (_migration.IsActive)
        {
            throw QmpErrorException.GenericError(SnapshotMigration.InProgress);
        }

        if (!_machine.IsRunning)
        {
            _migration.Resumed();
            _machine.Resume();
            Raise("RESUME");
        }
    }

    public void SystemPowerdown()
    {
        Translate(_machine.PressPowerButton);
        Raise("POWERDOWN");
    }

    /// <summary>QEMU's system_reset: asynchronous; RESET follows (or SHUTDOWN with --on-reset exit).</summary>
    public void SystemReset() => Translate(_machine.Reset);

    public void Quit() => _machine.Lifetime.RequestExit(0, "quit requested over QMP", ShutdownCause.HostQmpQuit);

    /// <summary>Emits SHUTDOWN for the way the machine ended (once).</summary>
    public void ReportShutdown(MachineExit exit)
    {
        if (Interlocked.Exchange(ref _shutdownReported, 1) != 0)
        {
            return;
        }

        bool byGuest = exit.Cause is ShutdownCause.GuestShutdown or ShutdownCause.GuestReset or ShutdownCause.GuestPanic;
        string reason = exit.Cause switch
        {
            ShutdownCause.HostQmpQuit => "host-qmp-quit",
            ShutdownCause.HostSignal => "host-signal",
            ShutdownCause.GuestShutdown => "guest-shutdown",
            ShutdownCause.GuestReset => "guest-reset",
            ShutdownCause.GuestPanic => "guest-panic",
            ShutdownCause.HostQmpSystemReset => "host-qmp-system-reset",
            _ => "host-error",
        };
        Raise("SHUTDOWN", new JsonObject { ["guest"] = byGuest, ["reason"] = reason });
    }

    public void Dispose()
    {
        _machine.Cpus.Unplugged -= OnUnplugged;
        _machine.Cpus.OstReported -= OnOst;
        _machine.Hotplug.UnplugFailed -= OnUnplugFailed;
        _machine.Hotplug.Records.Completed -= OnHotplugCompleted;
        _machine.Hotplug.Records.ResizeCompleted -= OnResized;
        _machine.Lifetime.ResetDone -= OnReset;
    }

    private static QmpCpuInstanceProperties Props(CpuTopologyIds ids) => new()
    {
        SocketId = ids.SocketId,
        ClusterId = ids.ClusterId,
        CoreId = ids.CoreId,
        ThreadId = ids.ThreadId,
    };

    /// <summary>Reads the CPU topology properties; any other property does not exist on the CPU type.</summary>
    private static CpuTopologyRequest TopologyOf(string driver, IReadOnlyDictionary<string, JsonElement> properties)
    {
        foreach (string name in properties.Keys)
        {
            if (Array.IndexOf(TopologyProperties, name) < 0)
            {
                throw QmpErrorException.GenericError($"Property '{driver}.{name}' not found");
            }
        }

        return new CpuTopologyRequest(
            Integer(properties, "socket-id"),
            Integer(properties, "cluster-id"),
            Integer(properties, "core-id"),
            Integer(properties, "thread-id"));
    }

    private static int? Integer(IReadOnlyDictionary<string, JsonElement> properties, string name)
    {
        if (!properties.TryGetValue(name, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number))
        {
            return number;
        }

        // QEMU 7.2's device_add turns its arguments into option strings before setting properties,
        // so "core-id": "1" works there. Its string parser also takes hex and octal; we take only
        // what is unambiguous: an optional minus sign and decimal digits.
        if (value.ValueKind == JsonValueKind.String && ParseDecimal(value.GetString()!) is { } parsed)
        {
            return parsed;
        }

        throw QmpErrorException.GenericError($"Invalid parameter type for '{name}', expected: integer");
    }

    /// <summary>A plain decimal integer (optional '-', ASCII digits only, fits in 32 bits), else null.</summary>
    internal static int? ParseDecimal(string text)
    {
        int digits = text.StartsWith('-') ? 1 : 0;
        if (text.Length == digits || text.AsSpan(digits).ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int value)
            ? value : null;
    }

    private static void Translate(Action action)
    {
        try
        {
            action();
        }
        catch (MachineRequestException e)
        {
            throw e.Kind == MachineErrorKind.DeviceNotFound
                ? QmpErrorException.DeviceNotFound(e.Message)
                : QmpErrorException.GenericError(e.Message);
        }
    }

    private void OnUnplugged(CpuSlot slot)
    {
        string path = Hotplug.DevicePath(slot);
        var data = new JsonObject();
        if (slot.DeviceId is not null)
        {
            data["device"] = slot.DeviceId;
        }

        data["path"] = path;
        Raise("DEVICE_DELETED", data);
    }

    /// <summary>
    /// QEMU's DEVICE_UNPLUG_GUEST_ERROR (device, path), plus Parkway's <c>reason</c>: <c>guest</c> when
    /// the guest reported the failure through _OST, <c>timeout</c> when --unplug-timeout passed.
    /// </summary>
    private void OnUnplugFailed(CpuSlot slot, UnplugFailure failure)
    {
        var data = new JsonObject();
        if (slot.DeviceId is not null)
        {
            data["device"] = slot.DeviceId;
        }

        data["path"] = Hotplug.DevicePath(slot);
        data["reason"] = failure == UnplugFailure.TimedOut ? "timeout" : "guest";
        Raise("DEVICE_UNPLUG_GUEST_ERROR", data);
    }

    /// <summary>VCPU_PLUGGED / VCPU_UNPLUGGED (Parkway extensions): one CPU's plug or unplug ended, with its timings.</summary>
    private void OnHotplugCompleted(HotplugTimeline timeline)
    {
        CpuSlot slot = _machine.Cpus.Slots[timeline.Slot];
        var data = new JsonObject { ["cpu-index"] = timeline.Slot };
        if (slot.DeviceId is not null)
        {
            data["device"] = slot.DeviceId;
        }

        data["qom-path"] = Hotplug.DevicePath(slot);
        data["result"] = timeline.Outcome switch
        {
            HotplugOutcome.Completed => "ok",
            HotplugOutcome.GuestRefused => "guest-error",
            _ => "timeout",
        };
        var timings = new JsonObject { ["requested-at"] = EpochMicroseconds(timeline.RequestedAt) };
        AddMs(timings, "thread-started-ms", timeline.ThreadStartedMs);
        AddMs(timings, "guest-cpu-on-ms", timeline.GuestCpuOnMs);
        AddMs(timings, "guest-cpu-off-ms", timeline.GuestCpuOffMs);
        AddMs(timings, "guest-ost-ms", timeline.GuestOstMs);
        AddMs(timings, "thread-stopped-ms", timeline.ThreadStoppedMs);
        AddMs(timings, "completed-ms", timeline.CompletedMs);
        data["timings"] = timings;
        Raise(timeline.Kind == HotplugKind.Plug ? "VCPU_PLUGGED" : "VCPU_UNPLUGGED", data);
    }

    /// <summary>VCPUS_RESIZED (Parkway extension): every CPU of a set-vcpus batch has ended (or a newer one replaced it).</summary>
    private void OnResized(ResizeSummary summary)
    {
        Raise("VCPUS_RESIZED", new JsonObject
        {
            ["count"] = summary.Count,
            ["plugged"] = Indices(summary.Plugged),
            ["unplugged"] = Indices(summary.Unplugged),
            ["failed"] = Indices(summary.Failed),
            ["unfinished"] = Indices(summary.Unfinished),
            ["duration-ms"] = Math.Round(summary.DurationMs, 3),
        });
    }

    private static JsonArray Indices(IReadOnlyList<int> indices) => [.. indices.Select(static i => (JsonNode)i)];

    private static void AddMs(JsonObject timings, string name, double? milliseconds)
    {
        if (milliseconds is { } value)
        {
            timings[name] = Math.Round(value, 3);
        }
    }

    private static long EpochMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private void OnOst(CpuSlot slot, uint ostEvent, uint ostStatus)
    {
        var info = new JsonObject();
        if (slot.DeviceId is not null)
        {
            info["device"] = slot.DeviceId;
        }

        info["slot"] = slot.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info["slot-type"] = "CPU";
        info["source"] = ostEvent;
        info["status"] = ostStatus;
        Raise("ACPI_DEVICE_OST", new JsonObject { ["info"] = info });
    }

    /// <summary>QEMU's RESET (data since QEMU 4.0): who asked and QEMU's ShutdownCause name for it.</summary>
    private void OnReset(ResetCause cause) =>
        Raise("RESET", new JsonObject
        {
            ["guest"] = cause == ResetCause.Guest,
            ["reason"] = cause == ResetCause.Guest ? "guest-reset" : "host-qmp-system-reset",
        });

    private void Raise(string name, JsonObject? data = null) => EventRaised?.Invoke(new QmpEvent(name, data));
}
