using System.Text.Json.Nodes;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// The machine behind the fuzzed server: counts every call it receives (bounded memory, whatever the
/// run length), answers with fixed QEMU-like data and raises the events a real VMM raises for the same
/// commands (STOP, RESUME, POWERDOWN, DEVICE_DELETED, SHUTDOWN), so event fan-out runs under fuzzing too.
/// </summary>
/// <remarks>The server promises one call at a time; <see cref="ConcurrentCalls"/> counts broken promises.</remarks>
internal sealed class RecordingMachine : IQmpMachine
{
    private static readonly QmpCpuInstanceProperties Slot1 = new() { SocketId = 0, ClusterId = 0, CoreId = 1, ThreadId = 0 };

    private readonly Lock _countsLock = new();
    private readonly Dictionary<string, long> _calls = new(StringComparer.Ordinal);
    private int _inside;
    private bool _running = true;

    public event Action<QmpEvent>? EventRaised;

    /// <summary>Times a call started while another was still running.</summary>
    public long ConcurrentCalls { get; private set; }

    /// <summary>Total calls so far.</summary>
    public long TotalCalls
    {
        get
        {
            lock (_countsLock)
            {
                return _calls.Values.Sum();
            }
        }
    }

    public QmpStatusInfo QueryStatus() => Record("query-status", () => new QmpStatusInfo(_running, _running ? "running" : "paused"));

    public IReadOnlyList<QmpHotpluggableCpu> QueryHotpluggableCpus() => Record("query-hotpluggable-cpus", () =>
        (IReadOnlyList<QmpHotpluggableCpu>)[new QmpHotpluggableCpu("host-arm-cpu", 1, Slot1)]);

    public IReadOnlyList<QmpCpuInfoFast> QueryCpusFast() => Record("query-cpus-fast", () =>
        (IReadOnlyList<QmpCpuInfoFast>)[new QmpCpuInfoFast(0, "/machine/unattached/device[0]", 4242, Slot1 with { CoreId = 0 })]);

    public IReadOnlyList<QmpCpuPowerState> QueryCpusPowerState() => Record("query-cpus-powerstate", () =>
        (IReadOnlyList<QmpCpuPowerState>)[new QmpCpuPowerState(1, null, Slot1, "disabled", "off", false)]);

    public void DeviceAdd(QmpDeviceArguments arguments) => Record("device_add", () =>
    {
        // A real VMM refuses most of what a fuzzer sends; refusals take the QmpErrorException path.
        if (arguments.Driver != "host-arm-cpu")
        {
            throw QmpErrorException.GenericError($"'{arguments.Driver}' is not a valid device model name");
        }

        return 0;
    });

    public void DeviceDel(string id) => Record("device_del", () =>
    {
        if (id.Length % 2 == 0)
        {
            throw QmpErrorException.DeviceNotFound($"Device '{id}' not found");
        }

        Raise("DEVICE_DELETED", new JsonObject { ["device"] = id, ["path"] = "/machine/peripheral/" + id });
        return 0;
    });

    public void DeviceSet(QmpDeviceArguments arguments, string adminState) => Record("device_set", () => 0);

    public void Stop() => Record("stop", () =>
    {
        _running = false;
        Raise("STOP", null);
        return 0;
    });

    public void Cont() => Record("cont", () =>
    {
        _running = true;
        Raise("RESUME", null);
        return 0;
    });

    public void SystemPowerdown() => Record("system_powerdown", () =>
    {
        Raise("POWERDOWN", null);
        return 0;
    });

    public void SystemReset() => Record("system_reset", () =>
    {
        Raise("RESET", new JsonObject { ["guest"] = false, ["reason"] = "host-qmp-system-reset" });
        return 0;
    });

    public void Quit() => Record("quit", () =>
    {
        // A real VMM would now exit; the fuzzer's machine stays, so the run can go on.
        Raise("SHUTDOWN", new JsonObject { ["guest"] = false, ["reason"] = "host-qmp-quit" });
        return 0;
    });

    public long Calls(string name)
    {
        lock (_countsLock)
        {
            return _calls.GetValueOrDefault(name);
        }
    }

    private void Raise(string name, JsonObject? data) => EventRaised?.Invoke(new QmpEvent(name, data));

    private T Record<T>(string call, Func<T> body)
    {
        if (Interlocked.Increment(ref _inside) != 1)
        {
            ConcurrentCalls++;
        }

        try
        {
            lock (_countsLock)
            {
                _calls[call] = _calls.GetValueOrDefault(call) + 1;
            }

            return body();
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }
}
