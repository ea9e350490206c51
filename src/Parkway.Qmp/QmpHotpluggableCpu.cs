using System.Text.Json.Serialization;

namespace Parkway.Qmp;

/// <summary>One <c>query-hotpluggable-cpus</c> entry (QEMU <c>HotpluggableCPU</c>).</summary>
/// <param name="Type">QOM type to pass to <c>device_add</c>, e.g. <c>host-arm-cpu</c>.</param>
/// <param name="VcpusCount">vCPUs per slot (1 at thread granularity).</param>
/// <param name="Props">Topology of the slot.</param>
/// <param name="QomPath">Only for an occupied (plugged) slot, e.g. <c>/machine/peripheral/cpu4</c>.</param>
public sealed record QmpHotpluggableCpu(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("vcpus-count")] int VcpusCount,
    [property: JsonPropertyName("props")] QmpCpuInstanceProperties Props,
    [property: JsonPropertyName("qom-path")] string? QomPath = null);
