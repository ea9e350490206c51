using Parkway.Virtio.Memory;

namespace Parkway.Virtio.Queues;

/// <summary>
/// Treats a chain's readable (or writable) buffers as one byte stream: logical offsets map onto
/// the buffers in order. Devices use it to pick out headers, payloads and status bytes without
/// assuming how the driver split them into descriptors.
/// </summary>
public static class GuestBufferList
{
    /// <summary>The pieces of the buffers that cover [<paramref name="offset"/>, +<paramref name="length"/>) of the stream.</summary>
    public static List<GuestBuffer> Slice(IReadOnlyList<GuestBuffer> buffers, ulong offset, ulong length)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        var pieces = new List<GuestBuffer>();
        foreach (GuestBuffer buffer in buffers)
        {
            if (length == 0)
            {
                break;
            }

            if (offset >= buffer.Length)
            {
                offset -= buffer.Length;
                continue;
            }

            ulong take = Math.Min(buffer.Length - offset, length);
            pieces.Add(new GuestBuffer(buffer.Address + offset, (uint)take));
            length -= take;
            offset = 0;
        }

        return pieces;
    }

    /// <summary>Copies stream bytes from <paramref name="offset"/> into <paramref name="destination"/>; returns how many were available.</summary>
    public static int Read(IGuestMemory memory, IReadOnlyList<GuestBuffer> buffers, ulong offset, Span<byte> destination)
    {
        int copied = 0;
        foreach (GuestBuffer piece in Slice(buffers, offset, (ulong)destination.Length))
        {
            memory.GetSpan(piece.Address, piece.Length).CopyTo(destination[copied..]);
            copied += (int)piece.Length;
        }

        return copied;
    }

    /// <summary>Copies <paramref name="source"/> into the stream at <paramref name="offset"/>; returns how many bytes fitted.</summary>
    public static int Write(IGuestMemory memory, IReadOnlyList<GuestBuffer> buffers, ulong offset, ReadOnlySpan<byte> source)
    {
        int copied = 0;
        foreach (GuestBuffer piece in Slice(buffers, offset, (ulong)source.Length))
        {
            source.Slice(copied, (int)piece.Length).CopyTo(memory.GetSpan(piece.Address, piece.Length));
            copied += (int)piece.Length;
        }

        return copied;
    }
}
