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
        ArgumentNullException.ThrowIfNull(buffers);
        int copied = 0;
        // Walks the buffers in place rather than through Slice: this runs per frame and per request.
        for (int i = 0; i < buffers.Count && copied < destination.Length; i++)
        {
            GuestBuffer buffer = buffers[i];
            if (offset >= buffer.Length)
            {
                offset -= buffer.Length;
                continue;
            }

            int take = (int)Math.Min(buffer.Length - offset, (ulong)(destination.Length - copied));
            memory.GetSpan(buffer.Address + offset, (ulong)take).CopyTo(destination[copied..]);
            copied += take;
            offset = 0;
        }

        return copied;
    }

    /// <summary>Copies <paramref name="source"/> into the stream at <paramref name="offset"/>; returns how many bytes fitted.</summary>
    public static int Write(IGuestMemory memory, IReadOnlyList<GuestBuffer> buffers, ulong offset, ReadOnlySpan<byte> source)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        int copied = 0;
        for (int i = 0; i < buffers.Count && copied < source.Length; i++)
        {
            GuestBuffer buffer = buffers[i];
            if (offset >= buffer.Length)
            {
                offset -= buffer.Length;
                continue;
            }

            int take = (int)Math.Min(buffer.Length - offset, (ulong)(source.Length - copied));
            source.Slice(copied, take).CopyTo(memory.GetSpan(buffer.Address + offset, (ulong)take));
            copied += take;
            offset = 0;
        }

        return copied;
    }
}
