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
    private readonly List<KeyValuePair<string, JsonElement>> _members = [];
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    public QmpArguments(JsonElement? arguments)
    {
        if (arguments is { ValueKind: JsonValueKind.Object } members)
        {
            foreach (JsonProperty member in members.EnumerateObject())
            {
                // A repeated key: the last one wins, as in QEMU's QDict.
                int existing = _members.FindIndex(m => m.Key == member.Name);
                if (existing >= 0)
                {
                    _members.RemoveAt(existing);
                }

                _members.Add(new(member.Name, member.Value));
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
        foreach (KeyValuePair<string, JsonElement> member in _members)
        {
            if (!_taken.Contains(member.Key))
            {
                throw QmpErrorException.GenericError($"Parameter '{member.Key}' is unexpected");
            }
        }
    }

    /// <summary>The members not taken, cloned so they outlive the request's document.</summary>
    public IReadOnlyDictionary<string, JsonElement> Remaining()
    {
        var remaining = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, JsonElement> member in _members)
        {
            if (!_taken.Contains(member.Key))
            {
                remaining[member.Key] = member.Value.Clone();
            }
        }

        return remaining;
    }

    public static QmpErrorException InvalidType(string name, string expected) =>
        QmpErrorException.GenericError($"Invalid parameter type for '{name}', expected: {expected}");

    private JsonElement? Take(string name)
    {
        _taken.Add(name);
        foreach (KeyValuePair<string, JsonElement> member in _members)
        {
            if (member.Key == name)
            {
                return member.Value;
            }
        }

        return null;
    }
}
