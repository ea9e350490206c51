using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Parkway.Qmp.Fuzz;

/// <summary>A property that failed, with the input that made it fail and where that input was saved.</summary>
internal sealed partial record FuzzFailure(long InputNumber, string Message, FuzzInput Input)
{
    /// <summary>The message with numbers masked: failures with the same key are one bug.</summary>
    public string Key => Digits().Replace(Message.Length > 200 ? Message[..200] : Message, "N");

    public string? SavedAs { get; set; }

    /// <summary>Saves the input bytes as <c>DIR/&lt;hash&gt;.bin</c> (a regression case the unit tests replay).</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        string name = Convert.ToHexStringLower(SHA256.HashData(Input.Bytes))[..16] + ".bin";
        SavedAs = Path.Combine(directory, name);
        File.WriteAllBytes(SavedAs, Input.Bytes);
    }

    /// <summary>The input as printable text: ASCII as is, everything else as \xHH, cut at <paramref name="limit"/> characters.</summary>
    public static string Printable(byte[] bytes, int limit = 600)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes)
        {
            if (text.Length >= limit)
            {
                text.Append(CultureInfo.InvariantCulture, $"... ({bytes.Length} bytes)");
                break;
            }

            text.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return text.ToString();
    }

    public override string ToString() =>
        $"input #{InputNumber} ({Input.Bytes.Length} bytes, {Input.Cuts.Length + 1} writes{(Input.CloseAfter ? ", then half-close" : "")}): {Message}\n"
        + $"    input: {Printable(Input.Bytes)}"
        + (SavedAs is null ? "" : $"\n    saved: {SavedAs}");

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
