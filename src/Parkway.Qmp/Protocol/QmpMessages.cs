using System.Text;
using System.Text.Json;

namespace Parkway.Qmp.Protocol;

/// <summary>
/// Builds the server's messages with QEMU's member order: returns <c>{"return": ..., "id": ...}</c>,
/// errors <c>{"id": ..., "error": {"class": ..., "desc": ...}}</c>, events
/// <c>{"timestamp": ..., "event": ..., "data": ...}</c> (as QEMU 7.2 writes them).
/// </summary>
internal static class QmpMessages
{
    public static byte[] Greeting(QmpVersionInfo version, IReadOnlyList<string> capabilities)
    {
        var output = new StringBuilder(160);
        output.Append("{\"QMP\": {\"version\": ");
        AppendVersion(output, version);
        output.Append(", \"capabilities\": [");
        for (int i = 0; i < capabilities.Count; i++)
        {
            if (i > 0)
            {
                output.Append(", ");
            }

            QmpJsonFormatter.AppendString(output, capabilities[i]);
        }

        output.Append("]}}");
        return QmpJsonFormatter.ToMessage(output);
    }

    public static void AppendVersion(StringBuilder output, QmpVersionInfo version)
    {
        output.Append("{\"qemu\": {\"micro\": ").Append(version.Micro)
            .Append(", \"minor\": ").Append(version.Minor)
            .Append(", \"major\": ").Append(version.Major)
            .Append("}, \"package\": ");
        QmpJsonFormatter.AppendString(output, version.Package);
        output.Append('}');
    }

    public static byte[] Return(JsonElement value, JsonElement? id)
    {
        var output = new StringBuilder(64);
        output.Append("{\"return\": ");
        QmpJsonFormatter.AppendValue(output, value);
        if (id is { } requestId)
        {
            output.Append(", \"id\": ");
            QmpJsonFormatter.AppendValue(output, requestId);
        }

        output.Append('}');
        return QmpJsonFormatter.ToMessage(output);
    }

    public static byte[] Error(string errorClass, string description, JsonElement? id)
    {
        var output = new StringBuilder(96);
        output.Append('{');
        if (id is { } requestId)
        {
            output.Append("\"id\": ");
            QmpJsonFormatter.AppendValue(output, requestId);
            output.Append(", ");
        }

        output.Append("\"error\": {\"class\": ");
        QmpJsonFormatter.AppendString(output, errorClass);
        output.Append(", \"desc\": ");
        QmpJsonFormatter.AppendString(output, description);
        output.Append("}}");
        return QmpJsonFormatter.ToMessage(output);
    }

    /// <summary>An event stamped with <paramref name="wallClock"/> (QEMU: seconds and microseconds since the Unix epoch).</summary>
    public static byte[] Event(string name, JsonElement? data, DateTimeOffset wallClock)
    {
        long microsecondsSinceEpoch = (wallClock.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        var output = new StringBuilder(128);
        output.Append("{\"timestamp\": {\"seconds\": ").Append(microsecondsSinceEpoch / 1_000_000)
            .Append(", \"microseconds\": ").Append(microsecondsSinceEpoch % 1_000_000)
            .Append("}, \"event\": ");
        QmpJsonFormatter.AppendString(output, name);
        if (data is { } eventData)
        {
            output.Append(", \"data\": ");
            QmpJsonFormatter.AppendValue(output, eventData);
        }

        output.Append('}');
        return QmpJsonFormatter.ToMessage(output);
    }
}
