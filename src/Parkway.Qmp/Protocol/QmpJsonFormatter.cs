using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parkway.Qmp.Protocol;

/// <summary>
/// Writes JSON exactly as QEMU's monitor does (<c>qobject_to_json</c>): <c>", "</c> and <c>": "</c>
/// separators, pure ASCII output (everything above 0x7E and every control character as
/// <c>\uXXXX</c>), so byte-level expectations of existing QEMU clients and scripts hold.
/// </summary>
internal static class QmpJsonFormatter
{
    public static void AppendValue(StringBuilder output, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                output.Append('{');
                bool firstMember = true;
                foreach (JsonProperty member in value.EnumerateObject())
                {
                    if (!firstMember)
                    {
                        output.Append(", ");
                    }

                    firstMember = false;
                    AppendString(output, member.Name);
                    output.Append(": ");
                    AppendValue(output, member.Value);
                }

                output.Append('}');
                break;
            case JsonValueKind.Array:
                output.Append('[');
                bool firstItem = true;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        output.Append(", ");
                    }

                    firstItem = false;
                    AppendValue(output, item);
                }

                output.Append(']');
                break;
            case JsonValueKind.String:
                AppendString(output, value.GetString()!);
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            case JsonValueKind.Number:
                // The parser validated the number; its text is already plain ASCII JSON.
                output.Append(value.GetRawText());
                break;
            default:
                output.Append("null");
                break;
        }
    }

    public static void AppendString(StringBuilder output, string text)
    {
        output.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"':
                    output.Append("\\\"");
                    break;
                case '\\':
                    output.Append("\\\\");
                    break;
                case '\b':
                    output.Append("\\b");
                    break;
                case '\f':
                    output.Append("\\f");
                    break;
                case '\n':
                    output.Append("\\n");
                    break;
                case '\r':
                    output.Append("\\r");
                    break;
                case '\t':
                    output.Append("\\t");
                    break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        // UTF-16 code units are exactly JSON's \u escapes (surrogate pairs included).
                        output.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        output.Append(c);
                    }

                    break;
            }
        }

        output.Append('"');
    }

    /// <summary>The finished message: ASCII bytes plus QMP's CRLF terminator.</summary>
    public static byte[] ToMessage(StringBuilder output)
    {
        output.Append("\r\n");
        return Encoding.ASCII.GetBytes(output.ToString());
    }
}
