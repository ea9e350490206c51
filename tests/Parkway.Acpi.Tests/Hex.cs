using System.Globalization;

namespace Parkway.Acpi.Tests;

/// <summary>Golden bytes written as "0A 1B 2C" (whitespace ignored).</summary>
internal static class Hex
{
    public static byte[] Parse(string text)
    {
        var digits = new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
        var bytes = new byte[digits.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = byte.Parse(digits.AsSpan(2 * i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        return bytes;
    }

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    /// <summary>Asserts equality showing both sides as hex, which is how golden bytes are read.</summary>
    public static void AssertEqual(string expected, ReadOnlySpan<byte> actual) =>
        Assert.Equal(Format(Parse(expected)), Format(actual));
}
