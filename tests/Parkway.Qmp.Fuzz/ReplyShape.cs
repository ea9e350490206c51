using System.Text;
using System.Text.Json;

namespace Parkway.Qmp.Fuzz;

/// <summary>What one server line was, once checked against QEMU's wire shapes.</summary>
internal enum ReplyKind
{
    Greeting,
    Return,
    Error,
    Event,
}

/// <summary>
/// Checks one line the server wrote against the shapes a QEMU 7.2 monitor writes (the recorded
/// transcript): CRLF-terminated ASCII JSON object; greeting <c>{"QMP": {"version", "capabilities"}}</c>;
/// <c>{"return": any[, "id": any]}</c>; <c>{["id": any, ]"error": {"class": known, "desc": string}}</c>;
/// <c>{"timestamp": {"seconds", "microseconds"}, "event": string[, "data": object]}</c>. Anything else
/// is a failure. Also reduces each line to a <see cref="Key"/>: the reply's kind, error class and
/// description with quoted values masked, so a run can count how many distinct answers it provoked.
/// </summary>
internal sealed class ReplyShape
{
    private static readonly HashSet<string> ErrorClasses = new(StringComparer.Ordinal)
    {
        QmpErrorClass.GenericError, QmpErrorClass.CommandNotFound, QmpErrorClass.DeviceNotActive,
        QmpErrorClass.DeviceNotFound, QmpErrorClass.KvmMissingCap,
    };

    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 4096 };

    private ReplyShape(ReplyKind kind, string key, JsonElement? id, JsonElement root)
    {
        Kind = kind;
        Key = key;
        Id = id;
        Root = root;
    }

    public ReplyKind Kind { get; }

    /// <summary>E.g. <c>error GenericError: Parameter '…' is missing</c> or <c>return query-status-like {running,status}</c>.</summary>
    public string Key { get; }

    /// <summary>The echoed id, if the reply carries one.</summary>
    public JsonElement? Id { get; }

    /// <summary>The whole message (a clone, valid after the line is gone).</summary>
    public JsonElement Root { get; }

    /// <summary>Parses and checks <paramref name="line"/> (without its CRLF); returns null with the reason when it is not of QEMU's shape.</summary>
    public static ReplyShape? Check(ReadOnlySpan<byte> line, out string? problem)
    {
        foreach (byte b in line)
        {
            if (b is < 0x20 or > 0x7E)
            {
                problem = $"byte 0x{b:X2} in a reply line (QEMU writes printable ASCII only)";
                return null;
            }
        }

        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(line.ToArray(), ReadOptions);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            problem = "reply is not JSON: " + e.Message;
            return null;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = "reply is not a JSON object";
            return null;
        }

        string[] keys = root.EnumerateObject().Select(p => p.Name).ToArray();
        switch (keys)
        {
            case ["QMP"]:
                return CheckGreeting(root, out problem);
            case ["return"] or ["return", "id"]:
                problem = null;
                return new ReplyShape(ReplyKind.Return, "return " + Describe(root.GetProperty("return")), Optional(root, "id"), root);
            case ["error"] or ["id", "error"]:
                return CheckError(root, out problem);
            case ["timestamp", "event"] or ["timestamp", "event", "data"]:
                return CheckEvent(root, out problem);
            default:
                problem = $"reply members [{string.Join(", ", keys)}] match no QMP message";
                return null;
        }
    }

    private static ReplyShape? CheckGreeting(JsonElement root, out string? problem)
    {
        JsonElement qmp = root.GetProperty("QMP");
        if (qmp.ValueKind != JsonValueKind.Object || !qmp.TryGetProperty("version", out _)
            || !qmp.TryGetProperty("capabilities", out JsonElement capabilities) || capabilities.ValueKind != JsonValueKind.Array)
        {
            problem = "greeting without version and capabilities";
            return null;
        }

        problem = null;
        return new ReplyShape(ReplyKind.Greeting, "greeting", null, root);
    }

    private static ReplyShape? CheckError(JsonElement root, out string? problem)
    {
        JsonElement error = root.GetProperty("error");
        if (error.ValueKind != JsonValueKind.Object
            || error.EnumerateObject().Select(p => p.Name).ToArray() is not ["class", "desc"]
            || error.GetProperty("class").ValueKind != JsonValueKind.String
            || error.GetProperty("desc").ValueKind != JsonValueKind.String)
        {
            problem = "error is not {\"class\": string, \"desc\": string}";
            return null;
        }

        string errorClass = error.GetProperty("class").GetString()!;
        if (!ErrorClasses.Contains(errorClass))
        {
            problem = $"unknown error class '{errorClass}'";
            return null;
        }

        string description = error.GetProperty("desc").GetString()!;
        if (description.Length == 0)
        {
            problem = "empty error description";
            return null;
        }

        problem = null;
        return new ReplyShape(ReplyKind.Error, $"error {errorClass}: {Mask(description)}", Optional(root, "id"), root);
    }

    private static ReplyShape? CheckEvent(JsonElement root, out string? problem)
    {
        JsonElement timestamp = root.GetProperty("timestamp");
        if (timestamp.ValueKind != JsonValueKind.Object
            || timestamp.EnumerateObject().Select(p => p.Name).ToArray() is not ["seconds", "microseconds"]
            || !timestamp.GetProperty("seconds").TryGetInt64(out _)
            || !timestamp.GetProperty("microseconds").TryGetInt64(out long microseconds) || microseconds is < 0 or > 999_999)
        {
            problem = "event timestamp is not {\"seconds\": int, \"microseconds\": 0..999999}";
            return null;
        }

        JsonElement name = root.GetProperty("event");
        if (name.ValueKind != JsonValueKind.String || (root.TryGetProperty("data", out JsonElement data) && data.ValueKind != JsonValueKind.Object))
        {
            problem = "event name is not a string or its data is not an object";
            return null;
        }

        problem = null;
        return new ReplyShape(ReplyKind.Event, "event " + name.GetString(), null, root);
    }

    private static JsonElement? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) ? value : null;

    /// <summary>A return value's outline: its type and, for objects, member names (array items by their first one).</summary>
    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", value.EnumerateObject().Select(p => p.Name)) + "}",
        JsonValueKind.Array => "[" + (value.GetArrayLength() == 0 ? "" : Describe(value[0])) + "]",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The server's texts that quote a client-chosen name, as the parts around the name(s). Matched by
    /// prefix, suffix and middle rather than by regular expression: a regex keeps buffers as large as the
    /// longest text it ever matched, which would show in the memory samples.
    /// </summary>
    private static readonly (string Prefix, string? Middle, string Suffix)[] Templates =
    [
        ("The command ", null, " has not been found"),
        ("QMP input member '", null, "' is unexpected"),
        ("QMP input member '", "' clashes with '", "'"),
        ("Parameter '", null, "' is unexpected"),
        ("Parameter '", null, "' is missing"),
        ("Parameter '", "' does not accept value '", "'"),
        ("Invalid parameter type for '", null, "', expected: string"),
        ("Invalid parameter type for '", null, "', expected: array"),
        ("Device '", null, "' not found"),
        ("'", null, "' is not a valid device model name"),
        // System.Text.Json quotes the bad literal and whatever follows it on the line.
        ("JSON parse error, '", "' is an invalid JSON literal. Expected the literal '", "'."),
    ];

    /// <summary>
    /// Masks the client-chosen parts of an error text: 'quoted values' (to the last quote, as a value may
    /// itself hold quotes), \uXXXX escapes, digits.
    /// </summary>
    private static string Mask(string description)
    {
        // The server's texts that quote a client-chosen name: matched whole, so a name holding quotes masks cleanly.
        foreach ((string prefix, string? middle, string suffix) in Templates)
        {
            if (description.Length >= prefix.Length + suffix.Length
                && description.StartsWith(prefix, StringComparison.Ordinal) && description.EndsWith(suffix, StringComparison.Ordinal)
                && (middle is null || description.AsSpan(prefix.Length, description.Length - prefix.Length - suffix.Length).Contains(middle, StringComparison.Ordinal)))
            {
                return prefix + "…" + (middle is null ? "" : middle + "…") + suffix;
            }
        }

        var masked = new StringBuilder(Math.Min(description.Length, 130));
        int lastQuote = description.LastIndexOf('\'');
        for (int i = 0; i < description.Length && masked.Length < 120; i++)
        {
            char c = description[i];
            if (c == '\'' && i < lastQuote)
            {
                // Up to the quote that closes this value: the next one followed by a non-letter.
                int end = i + 1;
                while (end < lastQuote && (description[end] != '\'' || (end + 1 < description.Length && char.IsLetterOrDigit(description[end + 1]))))
                {
                    end++;
                }

                masked.Append("'…'");
                i = end;
            }
            else if (c == '\\' && i + 5 < description.Length && description[i + 1] == 'u')
            {
                masked.Append(@"\uXXXX");
                i += 5;
            }
            else if (char.IsAsciiDigit(c))
            {
                masked.Append('N');
                while (i + 1 < description.Length && char.IsAsciiDigit(description[i + 1]))
                {
                    i++;
                }
            }
            else
            {
                masked.Append(c is >= ' ' and <= '~' ? c : '?');
            }
        }

        return masked.ToString();
    }
}
