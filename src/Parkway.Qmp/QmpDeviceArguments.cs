using System.Text.Json;

namespace Parkway.Qmp;

/// <summary>
/// The free-form arguments of <c>device_add</c> / <c>device_set</c>: <paramref name="Driver"/>,
/// <paramref name="Id"/>, <paramref name="Bus"/>, and every other member as its raw JSON value (so a
/// backend sees <c>"core-id": 3</c> as a number and <c>"core-id": "3"</c> as a string, like QEMU).
/// </summary>
/// <param name="Driver">QOM type, e.g. <c>host-arm-cpu</c>; required by <c>device_add</c>, optional for <c>device_set</c>.</param>
/// <param name="Id">Device id, e.g. <c>cpu4</c>.</param>
/// <param name="Properties">All remaining members in the order the client sent them; values outlive the request.</param>
/// <param name="Bus">Optional <c>bus</c> member.</param>
public sealed record QmpDeviceArguments(
    string? Driver,
    string? Id,
    IReadOnlyDictionary<string, JsonElement> Properties,
    string? Bus = null);
