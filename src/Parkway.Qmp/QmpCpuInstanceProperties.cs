using System.Text.Json.Serialization;

namespace Parkway.Qmp;

/// <summary>
/// QEMU's <c>CpuInstanceProperties</c>: the topology ids of a CPU slot. Only the levels the machine
/// uses are set; null members are omitted on the wire (arm virt: socket, cluster, core, thread).
/// </summary>
public sealed record QmpCpuInstanceProperties
{
    /// <summary><c>node-id</c> (NUMA).</summary>
    [JsonPropertyName("node-id")]
    public long? NodeId { get; init; }

    /// <summary><c>socket-id</c>.</summary>
    [JsonPropertyName("socket-id")]
    public long? SocketId { get; init; }

    /// <summary><c>die-id</c>.</summary>
    [JsonPropertyName("die-id")]
    public long? DieId { get; init; }

    /// <summary><c>cluster-id</c>.</summary>
    [JsonPropertyName("cluster-id")]
    public long? ClusterId { get; init; }

    /// <summary><c>module-id</c>.</summary>
    [JsonPropertyName("module-id")]
    public long? ModuleId { get; init; }

    /// <summary><c>core-id</c>.</summary>
    [JsonPropertyName("core-id")]
    public long? CoreId { get; init; }

    /// <summary><c>thread-id</c>.</summary>
    [JsonPropertyName("thread-id")]
    public long? ThreadId { get; init; }
}
