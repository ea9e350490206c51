using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parkway.Qmp;

/// <summary>
/// Turns command-line <c>key=value</c> words into a QMP <c>arguments</c> object. A value that is a
/// valid JSON text is taken as JSON (<c>core-id=3</c> → 3, <c>enable=true</c>, <c>id="4"</c> → "4",
/// <c>props={"a":1}</c>); anything else is a string (<c>id=cpu4</c> → "cpu4").
/// </summary>
public static class QmpArgumentParser
{
    /// <summary>Parses the words; throws <see cref="FormatException"/> for a word without <c>=</c>, an empty key or a repeated key.</summary>
    public static JsonObject Parse(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var arguments = new JsonObject();
        foreach (string word in words)
        {
            int equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                throw new FormatException($"argument '{word}' is not key=value");
            }

            if (equals == 0)
            {
                throw new FormatException($"argument '{word}' has an empty key");
            }

            string key = word[..equals];
            if (arguments.ContainsKey(key))
            {
                throw new FormatException($"argument '{key}' is given twice");
            }

            arguments[key] = ParseValue(word[(equals + 1)..]);
        }

        return arguments;
    }

    /// <summary>JSON when the whole text is one valid JSON value, else the text as a string.</summary>
    public static JsonNode? ParseValue(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return JsonValue.Create(text);
        }

        try
        {
            JsonNode? node = JsonNode.Parse(text);
            // JsonNode.Parse gives null for the literal null, which is what the argument should be.
            return node;
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
