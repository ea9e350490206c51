using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Parkway.Qmp.Tests;

/// <summary>A scripted <see cref="IQmpMachine"/>: records every call, answers with settable data, can refuse or crash.</summary>
internal sealed class FakeMachine : IQmpMachine
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public QmpDeviceArguments? LastDeviceArguments { get; private set; }

    public string? LastAdminState { get; private set; }

    public QmpStatusInfo Status { get; set; } = new(true, "running");

    public IReadOnlyList<QmpHotpluggableCpu> HotpluggableCpus { get; set; } = [];

    public IReadOnlyList<QmpCpuInfoFast> CpusFast { get; set; } = [];

    public IReadOnlyList<QmpCpuPowerState> PowerStates { get; set; } = [];

    /// <summary>Thrown by the next (and every) command while set.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Invoked inside Quit (e.g. to raise SHUTDOWN like QEMU).</summary>
    public Action? OnQuit { get; set; }

    public event Action<QmpEvent>? EventRaised;

    public int SubscriberCount => EventRaised?.GetInvocationList().Length ?? 0;

    public void Raise(string name, JsonObject? data = null) => EventRaised?.Invoke(new QmpEvent(name, data));

    public QmpStatusInfo QueryStatus() => Record("query-status", () => Status);

    public IReadOnlyList<QmpHotpluggableCpu> QueryHotpluggableCpus() => Record("query-hotpluggable-cpus", () => HotpluggableCpus);

    public IReadOnlyList<QmpCpuInfoFast> QueryCpusFast() => Record("query-cpus-fast", () => CpusFast);

    public IReadOnlyList<QmpCpuPowerState> QueryCpusPowerState() => Record("query-cpus-powerstate", () => PowerStates);

    public void DeviceAdd(QmpDeviceArguments arguments) => Record("device_add", () => LastDeviceArguments = arguments);

    public void DeviceDel(string id) => Record("device_del " + id, () => id);

    public void DeviceSet(QmpDeviceArguments arguments, string adminState) => Record("device_set", () =>
    {
        LastDeviceArguments = arguments;
        LastAdminState = adminState;
        return adminState;
    });

    public void SetVcpus(int count, double? unplugTimeoutSeconds) => Record(
        FormattableString.Invariant($"set-vcpus {count}{(unplugTimeoutSeconds is { } t ? $" unplug-timeout={t}" : "")}"), () => count);

    public JsonObject MigrationInfo { get; set; } = [];

    public void Migrate(string uri) => Record("migrate " + uri, () => uri);

    public JsonObject QueryMigrate() => Record("query-migrate", () => MigrationInfo);

    public void Stop() => Record("stop", () => 0);

    public void Cont() => Record("cont", () => 0);

    public void SystemPowerdown() => Record("system_powerdown", () => 0);

    public void SystemReset() => Record("system_reset", () => 0);

    public void Quit() => Record("quit", () =>
    {
        OnQuit?.Invoke();
        return 0;
    });

    private T Record<T>(string call, Func<T> body)
    {
        Calls.Enqueue(call);
        if (Failure is not null)
        {
            throw Failure;
        }

        return body();
    }
}
