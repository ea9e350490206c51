using System.Globalization;
using System.Text;

namespace Parkway.Virtio.Devices.Vsock;

/// <summary>
/// The two text lines of the hybrid vsock protocol (Firecracker's and cloud-hypervisor's): a host
/// client sends <c>CONNECT &lt;guest port&gt;\n</c>, the VMM answers <c>OK &lt;host port&gt;\n</c>
/// once the guest accepted, and from then on the socket carries the stream's bytes.
/// </summary>
public static class HybridConnectLine
{
    /// <summary>Parses a line without its '\n' (a trailing '\r' is tolerated); false when it is not <c>CONNECT &lt;u32&gt;</c>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out uint port)
    {
        port = 0;
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        ReadOnlySpan<byte> prefix = "CONNECT "u8;
        if (!line.StartsWith(prefix))
        {
            return false;
        }

        ReadOnlySpan<byte> digits = line[prefix.Length..];
        return digits.Length is > 0 and <= 10
            && uint.TryParse(Encoding.ASCII.GetString(digits), NumberStyles.None, CultureInfo.InvariantCulture, out port);
    }

    /// <summary>The acknowledgement for a connection whose host-side port is <paramref name="hostPort"/>.</summary>
    public static byte[] Acknowledgement(uint hostPort) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"OK {hostPort}\n"));
}
