using System.Net.Sockets;
using Parkway.Virtio.Events;

namespace Parkway.Virtio.Devices.Vsock;

/// <summary>
/// A host client accepted on the hybrid socket that has not finished its <c>CONNECT &lt;port&gt;\n</c>
/// line. The line is read one byte at a time so that no byte of the stream after it is consumed.
/// </summary>
internal sealed class PendingHostConnection(Socket socket, long deadline)
{
    /// <summary>"CONNECT 4294967295\r\n" is 20 bytes; anything longer is not a connect line.</summary>
    public const int MaxLineLength = 32;

    private readonly byte[] _line = new byte[MaxLineLength];

    public Socket Socket { get; } = socket;

    /// <summary>When an unfinished line is given up (TimeProvider timestamp).</summary>
    public long Deadline { get; } = deadline;

    public DynamicWorkSource? Source { get; set; }

    public int Length { get; private set; }

    /// <summary>Appends one byte; false when the line is too long.</summary>
    public bool Append(byte value)
    {
        if (Length == MaxLineLength)
        {
            return false;
        }

        _line[Length++] = value;
        return true;
    }

    /// <summary>The bytes read so far.</summary>
    public ReadOnlySpan<byte> Line => _line.AsSpan(0, Length);
}
