using System.Text.Json;

namespace Parkway.Qmp.Protocol;

/// <summary>
/// Reads a command's <c>arguments</c> object the way QEMU's QObject input visitor does: declared
/// members are taken by name with type checks (<c>Parameter 'x' is missing</c>,
/// <c>Invalid parameter type for 'x', expected: string</c>), then anything not taken is either an
/// error (<c>Parameter 'x' is unexpected</c>) or, for free-form commands, handed on as properties.
/// </summary>
internal sealed class QmpArguments
{
    // By name, with the position of the member's last occurrence: a client controls how many members
    // there are (a 1 MiB request holds ~100 000), so every lookup must be O(1), never a scan.
    private readonly Dictionary<string, (int Position, JsonElement Value)> _members = new(StringComparer.Ordinal);
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    public QmpArguments(JsonElement? arguments)
    {
        if (arguments is { ValueKind: JsonValueKind.Object } members)
        {
            int position = 0;
            foreach (JsonProperty member in members.EnumerateObject())
            {
                // A repeated key: the last one wins, as in QEMU's QDict (and takes the last one's place in the order).
                _members[member.Name] = (position++, member.Value);
            }
        }
    }

    public string RequireString(string name) =>
        OptionalString(name) ?? throw QmpErrorException.GenericError($"Parameter '{name}' is missing");

    public string? OptionalString(string name)
    {
        JsonElement? value = Take(name);
        return value switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } text => text.GetString(),
            _ => throw InvalidType(name, "string"),
        };
    }

    public long RequireInteger(string name)
    {
        JsonElement? value = Take(name);
        return value switch
        {
            null => throw QmpErrorException.GenericError($"Parameter '{name}' is missing"),
            { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out long integer) => integer,
            _ => throw InvalidType(name, "integer"),
        };
    }

    public double? OptionalNumber(string name)
    {
        JsonElement? value = Take(name);
        return value switch
        {
            null => null,
            { ValueKind: JsonValueKind.Number } number => number.GetDouble(),
            _ => throw InvalidType(name, "number"),
        };
    }

    public JsonElement? OptionalArray(string name)
    {
        JsonElement? value = Take(name);
        return value switch
        {
            null => null,
            { ValueKind: JsonValueKind.Array } => value,
            _ => throw InvalidType(name, "array"),
        };
    }

    /// <summary>Fails on the first member no <c>Require*</c>/<c>Optional*</c> call took.</summary>
    public void RejectUnexpected()
    {
        foreach (string name in InOrder())
        {
            if (!_taken.Contains(name))
            {
                throw QmpErrorException.GenericError($"Parameter '{name}' is unexpected");
            }
        }
    }

    /// <summary>The members not taken, cloned so they outlive the request's document.</summary>
    public IReadOnlyDictionary<string, JsonElement> Remaining()
    {
        var remaining = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (string name in InOrder())
        {
            if (!_taken.Contains(name))
            {
                remaining[name] = _members[name].Value.Clone();
            }
        }

        return remaining;
    }

    public static QmpErrorException InvalidType(string name, string expected) =>
        QmpErrorException.GenericError($"Invalid parameter type for '{name}', expected: {expected}");

    private JsonElement? Take(string name)
    {
        _taken.Add(name);
        return _members.TryGetValue(name, out (int Position, JsonElement Value) member) ? member.Value : null;
    }

    private IEnumerable<string> InOrder() => _members.OrderBy(m => m.Value.Position).Select(m => m.Key);
}
