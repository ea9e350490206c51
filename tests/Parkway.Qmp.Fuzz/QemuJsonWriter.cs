using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// Writes a JSON tree in any spelling QEMU's JSON dialect accepts, chosen at random: double- or
/// single-quoted strings, escaped or raw non-ASCII, <c>\/</c> and <c>\'</c> escapes, any whitespace
/// between tokens. The meaning stays the tree's, so the reply can be predicted. Also reports what makes
/// the text unparseable by design: a string holding a lone UTF-16 surrogate, which has no valid spelling.
/// </summary>
internal sealed class QemuJsonWriter(Random random)
{
    private static readonly string[] Whitespace = ["", "", "", " ", "  ", "\n", "\r\n", "\t"];

    private StringBuilder _output = new();

    /// <summary>A string contained an unpaired surrogate (written as its <c>\uXXXX</c> escape).</summary>
    public bool WroteLoneSurrogate { get; private set; }

    /// <summary>Deepest nesting of objects and arrays written.</summary>
    public int MaxDepth { get; private set; }

    public byte[] Write(JsonNode? root)
    {
        // A fresh builder after a big input: Clear() keeps the capacity, which would sit in the memory samples.
        _output = _output.Capacity > 64 * 1024 ? new StringBuilder() : _output.Clear();
        WroteLoneSurrogate = false;
        MaxDepth = 0;
        Space();
        WriteValue(root, 0);
        Space();
        return Encoding.UTF8.GetBytes(_output.ToString());
    }

    private void WriteValue(JsonNode? node, int depth)
    {
        switch (node)
        {
            case null:
                _output.Append("null");
                break;
            case JsonObject members:
                MaxDepth = Math.Max(MaxDepth, depth + 1);
                _output.Append('{');
                bool first = true;
                foreach (KeyValuePair<string, JsonNode?> member in members)
                {
                    if (!first)
                    {
                        _output.Append(',');
                    }

                    first = false;
                    Space();
                    WriteString(member.Key);
                    Space();
                    _output.Append(':');
                    Space();
                    WriteValue(member.Value, depth + 1);
                    Space();
                }

                _output.Append('}');
                break;
            case JsonArray items:
                MaxDepth = Math.Max(MaxDepth, depth + 1);
                _output.Append('[');
                for (int i = 0; i < items.Count; i++)
                {
                    if (i > 0)
                    {
                        _output.Append(',');
                    }

                    Space();
                    WriteValue(items[i], depth + 1);
                    Space();
                }

                _output.Append(']');
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                WriteString(value.GetValue<string>());
                break;
            default:
                // Numbers keep their literal text (1e400, -0, 18446744073709551616 ...); true/false likewise.
                _output.Append(node.ToJsonString());
                break;
        }
    }

    private void WriteString(string text)
    {
        char quote = random.Next(4) == 0 ? '\'' : '"';
        _output.Append(quote);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (random.Next(2) == 0)
                {
                    _output.Append(c).Append(text[i + 1]);
                }
                else
                {
                    Escape(c);
                    Escape(text[i + 1]);
                }

                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                WroteLoneSurrogate = true;
                Escape(c);
                continue;
            }

            switch (c)
            {
                case '\\':
                    _output.Append(@"\\");
                    break;
                case '"':
                    // Inside single quotes a bare double quote is fine (QEMU and our splitter escape it).
                    _output.Append(quote == '"' || random.Next(2) == 0 ? "\\\"" : "\"");
                    break;
                case '\'':
                    _output.Append(quote == '\'' || random.Next(2) == 0 ? "\\'" : "'");
                    break;
                case '/':
                    _output.Append(random.Next(4) == 0 ? @"\/" : "/");
                    break;
                case '\n':
                    _output.Append(random.Next(2) == 0 ? @"\n" : @"\u000a");
                    break;
                case < ' ':
                    Escape(c);
                    break;
                case > '~':
                    if (random.Next(2) == 0)
                    {
                        _output.Append(c);
                    }
                    else
                    {
                        Escape(c);
                    }

                    break;
                default:
                    _output.Append(c);
                    break;
            }
        }

        _output.Append(quote);
    }

    private void Escape(char c) =>
        _output.Append(@"\u").Append(((int)c).ToString(random.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture));

    private void Space() => _output.Append(Whitespace[random.Next(Whitespace.Length)]);
}
