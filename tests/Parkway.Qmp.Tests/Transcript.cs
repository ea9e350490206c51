using System.Text.Json;

namespace Parkway.Qmp.Tests;

/// <summary>The recorded QEMU 7.2 QMP session (Fixtures/): what a real QEMU sent, to compare shapes with.</summary>
internal static class Transcript
{
    private static readonly Lazy<IReadOnlyList<(string Direction, JsonElement Message, string Raw)>> Lines = new(Load);

    public static IEnumerable<(JsonElement Message, string Raw)> Received =>
        Lines.Value.Where(l => l.Direction == "recv").Select(l => (l.Message, l.Raw));

    public static (JsonElement Message, string Raw) Greeting => Received.First(r => r.Message.TryGetProperty("QMP", out _));

    /// <summary>The reply to the request sent with <paramref name="id"/>.</summary>
    public static (JsonElement Message, string Raw) ReplyTo(string id) =>
        Received.First(r => r.Message.TryGetProperty("id", out JsonElement i) && i.GetString() == id && !r.Message.TryGetProperty("event", out _));

    public static (JsonElement Message, string Raw) FirstEvent(string name) =>
        Received.First(r => r.Message.TryGetProperty("event", out JsonElement e) && e.GetString() == name);

    /// <summary>Member names of an object, in order.</summary>
    public static string[] Keys(JsonElement value) => value.EnumerateObject().Select(p => p.Name).ToArray();

    public static string[] SortedKeys(JsonElement value) => Keys(value).Order(StringComparer.Ordinal).ToArray();

    private static IReadOnlyList<(string, JsonElement, string)> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "qemu-7.2-qmp-cpu-hotplug-transcript.jsonl");
        var lines = new List<(string, JsonElement, string)>();
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            lines.Add((root.GetProperty("dir").GetString()!, root.GetProperty("msg").Clone(), root.GetProperty("raw").GetString()!));
        }

        return lines;
    }
}
