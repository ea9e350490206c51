namespace Parkway.Qmp.Protocol;

/// <summary>
/// Finds a <c>\uXXXX</c> escape that encodes half of a UTF-16 surrogate pair without the other half.
/// Such a string has no Unicode value: QEMU's parser refuses it ("... is not a valid Unicode
/// character"), while System.Text.Json accepts it at parse time and throws only when the string is
/// read, which would surface anywhere from reading the command name to echoing the id.
/// </summary>
internal static class JsonSurrogateEscapes
{
    /// <summary>
    /// The first unpaired surrogate escape in <paramref name="json"/> as written (e.g. <c>\ud800</c>), or
    /// null. <paramref name="json"/> must already have parsed as JSON (strings double-quoted, escapes well formed).
    /// </summary>
    public static string? FindUnpaired(ReadOnlySpan<byte> json)
    {
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            byte b = json[i];
            if (!inString)
            {
                inString = b == (byte)'"';
                continue;
            }

            if (b == (byte)'"')
            {
                inString = false;
                continue;
            }

            if (b != (byte)'\\')
            {
                continue;
            }

            if (json[i + 1] != (byte)'u')
            {
                // A one-character escape: skip it so an escaped quote or backslash is not misread.
                i++;
                continue;
            }

            int unit = Hex4(json.Slice(i + 2, 4));
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return Text(json.Slice(i, 6));
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                bool paired = i + 12 <= json.Length && json[i + 6] == (byte)'\\' && json[i + 7] == (byte)'u'
                    && Hex4(json.Slice(i + 8, 4)) is >= 0xDC00 and <= 0xDFFF;
                if (!paired)
                {
                    return Text(json.Slice(i, 6));
                }

                i += 11;
                continue;
            }

            i += 5;
        }

        return null;
    }

    private static int Hex4(ReadOnlySpan<byte> digits)
    {
        int value = 0;
        foreach (byte digit in digits)
        {
            value = (value << 4) | HexValue(digit);
        }

        return value;
    }

    private static int HexValue(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => 0,
    };

    private static string Text(ReadOnlySpan<byte> escape) => System.Text.Encoding.ASCII.GetString(escape);
}
