using System.Text.Json.Serialization;

namespace Parkway.Qmp;

/// <summary>
/// One <c>query-cpus-powerstate</c> entry: QEMU RFC V6's administrative view of a possible CPU, plus
/// whether an unplug request is waiting for the guest.
/// </summary>
/// <param name="CpuIndex">Slot number.</param>
/// <param name="QomPath">QOM path when the CPU is realized, otherwise null (omitted).</param>
/// <param name="Props">Topology of the slot.</param>
/// <param name="AdminState"><c>enabled</c>, <c>disabled</c> or <c>removed</c>.</param>
/// <param name="OperState"><c>on</c>, <c>standby</c>, <c>off</c> or <c>unknown</c>.</param>
/// <param name="UnplugPending">An eject request was raised and the guest has not ejected yet.</param>
/// <param name="UnplugRequestedAt">Parkway extension: when the pending unplug was requested (omitted when none is pending).</param>
public sealed record QmpCpuPowerState(
    [property: JsonPropertyName("cpu-index")] int CpuIndex,
    [property: JsonPropertyName("qom-path")] string? QomPath,
    [property: JsonPropertyName("props")] QmpCpuInstanceProperties Props,
    [property: JsonPropertyName("admin-state")] string AdminState,
    [property: JsonPropertyName("oper-state")] string OperState,
    [property: JsonPropertyName("unplug-pending")] bool UnplugPending,
    [property: JsonPropertyName("unplug-requested-at")] QmpTimestamp? UnplugRequestedAt = null);
