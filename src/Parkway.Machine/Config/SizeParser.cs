using System.Globalization;

namespace Parkway.Machine.Config;

/// <summary>Parses sizes such as <c>512M</c>, <c>2G</c>, <c>1536MiB</c> or a plain byte count.</summary>
public static class SizeParser
{
    /// <summary>Parses <paramref name="text"/> into bytes; throws <see cref="ConfigurationException"/> naming <paramref name="option"/>.</summary>
    public static ulong Parse(string text, string option)
    {
        string trimmed = text.Trim();
        int split = 0;
        while (split < trimmed.Length && char.IsAsciiDigit(trimmed[split]))
        {
            split++;
        }

        string digits = trimmed[..split];
        string suffix = trimmed[split..].ToUpperInvariant();
        int shift = suffix switch
        {
            "" or "B" => 0,
            "K" or "KB" or "KIB" => 10,
            "M" or "MB" or "MIB" => 20,
            "G" or "GB" or "GIB" => 30,
            "T" or "TB" or "TIB" => 40,
            _ => -1,
        };
        if (digits.Length == 0 || shift < 0
            || !ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            throw new ConfigurationException($"{option}: cannot parse size '{text}' (use e.g. 512M or 2G)");
        }

        if (value == 0 || value > (ulong.MaxValue >> shift))
        {
            throw new ConfigurationException($"{option}: size '{text}' is out of range");
        }

        return value << shift;
    }

    /// <summary>Formats a byte count for messages, e.g. "512 MiB".</summary>
    public static string Format(ulong bytes) => bytes switch
    {
        >= 1UL << 30 when bytes % (1UL << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1UL << 20 => $"{bytes / (double)(1UL << 20):0.#} MiB",
        >= 1UL << 10 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} B",
    };
}
