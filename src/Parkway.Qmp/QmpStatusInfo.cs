using System.Text.Json.Serialization;

namespace Parkway.Qmp;

/// <summary><c>query-status</c> result: <c>{"running": true, "status": "running"}</c>.</summary>
/// <param name="Running">Whether the vCPUs are running.</param>
/// <param name="Status">QEMU RunState: <c>running</c>, <c>paused</c>, <c>shutdown</c>, <c>prelaunch</c>, <c>internal-error</c>, ...</param>
public sealed record QmpStatusInfo(
    [property: JsonPropertyName("running")] bool Running,
    [property: JsonPropertyName("status")] string Status);
