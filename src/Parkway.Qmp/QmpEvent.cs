using System.Text.Json.Nodes;

namespace Parkway.Qmp;

/// <summary>
/// An asynchronous QMP event, e.g. <c>new QmpEvent("DEVICE_DELETED", new JsonObject { ["device"] = "cpu4", ["path"] = "/machine/peripheral/cpu4" })</c>.
/// The server adds the wall-clock timestamp when it is raised.
/// </summary>
/// <param name="Name">Event name in QEMU's upper case, e.g. <c>SHUTDOWN</c>.</param>
/// <param name="Data">The <c>data</c> member, or null for events without data (<c>STOP</c>, <c>RESUME</c>, <c>POWERDOWN</c>).</param>
public sealed record QmpEvent(string Name, JsonObject? Data = null);
