using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Parkway.Qmp;

/// <summary>
/// Source-generated serialization for every type the server writes (Native AOT: no reflection).
/// Null members are omitted, as QEMU omits absent optional members.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(QmpStatusInfo))]
[JsonSerializable(typeof(IReadOnlyList<QmpHotpluggableCpu>))]
[JsonSerializable(typeof(IReadOnlyList<QmpCpuInfoFast>))]
[JsonSerializable(typeof(IReadOnlyList<QmpCpuPowerState>))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class QmpJsonContext : JsonSerializerContext;
