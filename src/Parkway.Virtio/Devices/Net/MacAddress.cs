using System.Globalization;

namespace Parkway.Virtio.Devices.Net;

/// <summary>An Ethernet unicast address.</summary>
public readonly record struct MacAddress
{
    private readonly ulong _value;

    private MacAddress(ulong value) => _value = value;

    /// <summary>The six bytes, most significant first (wire order).</summary>
    public byte[] Bytes => [(byte)(_value >> 40), (byte)(_value >> 32), (byte)(_value >> 24), (byte)(_value >> 16), (byte)(_value >> 8), (byte)_value];

    /// <summary>
    /// QEMU's default for NIC <paramref name="index"/> (52:54:00:12:34:56, then +1 per NIC), so
    /// guests and tools see the addresses they would under QEMU.
    /// </summary>
    public static MacAddress Default(int index) => new(0x5254_0012_3456UL + (ulong)index);

    /// <summary>Parses "52:54:00:12:34:56"; false for anything else, including multicast addresses.</summary>
    public static bool TryParse(string text, out MacAddress address)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = default;
        string[] parts = text.Split(':');
        if (parts.Length != 6)
        {
            return false;
        }

        ulong value = 0;
        foreach (string part in parts)
        {
            if (part.Length != 2 || !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte octet))
            {
                return false;
            }

            value = (value << 8) | octet;
        }

        // The I/G bit of the first octet marks group (multicast/broadcast) addresses.
        if ((value & (1UL << 40)) != 0)
        {
            return false;
        }

        address = new MacAddress(value);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(':', Bytes.Select(static b => b.ToString("x2", CultureInfo.InvariantCulture)));
}
