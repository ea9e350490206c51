using System.Text.Json;

namespace Parkway.Qmp.Protocol;

/// <summary>A command's <c>return</c> value, and optionally work to do after the reply is on the wire.</summary>
internal readonly record struct QmpCommandResult(JsonElement Value, Action? AfterWritten = null);
