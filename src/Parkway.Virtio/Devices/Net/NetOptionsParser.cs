namespace Parkway.Virtio.Devices.Net;

/// <summary>Parses <c>tap=NAME[,mac=MAC][,id=ID]</c>; each mistake is one <see cref="VirtioConfigurationException"/>.</summary>
public static class NetOptionsParser
{
    /// <summary>IFNAMSIZ − 1: the longest interface name.</summary>
    public const int MaxInterfaceName = 15;

    /// <summary>Parses one --net value (the tap itself is opened by <see cref="TapBackend.Open"/>).</summary>
    public static NetOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? tap = null, id = null;
        MacAddress? mac = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in text.Split(','))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new VirtioConfigurationException($"--net: '{part}' is not key=value (expected tap=NAME[,mac=MAC][,id=ID])");
            }

            string key = part[..equals], value = part[(equals + 1)..];
            if (!seen.Add(key))
            {
                throw new VirtioConfigurationException($"--net: '{key}' is given twice");
            }

            switch (key)
            {
                case "tap":
                    tap = CheckName(value);
                    break;
                case "mac":
                    mac = MacAddress.TryParse(value, out MacAddress parsed)
                        ? parsed
                        : throw new VirtioConfigurationException($"--net: mac '{value}' is not a unicast address like 52:54:00:12:34:56");
                    break;
                case "id":
                    id = value.Length > 0 ? value : throw new VirtioConfigurationException("--net: id is empty");
                    break;
                default:
                    throw new VirtioConfigurationException($"--net: unknown option '{key}' (known: tap, mac, id)");
            }
        }

        return tap is null
            ? throw new VirtioConfigurationException("--net: tap=NAME is required")
            : new NetOptions(tap, mac, id);
    }

    private static string CheckName(string name)
    {
        if (name.Length == 0 || name.Length > MaxInterfaceName || name is "." or ".."
            || name.Any(static c => c is '/' or ':' || char.IsWhiteSpace(c) || c > 0x7E || c < 0x21))
        {
            throw new VirtioConfigurationException($"--net: '{name}' is not a valid interface name (1-{MaxInterfaceName} characters, no '/', ':' or spaces)");
        }

        return name;
    }
}
