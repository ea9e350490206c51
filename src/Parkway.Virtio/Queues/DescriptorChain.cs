namespace Parkway.Virtio.Queues;

/// <summary>
/// A validated request: the device-readable buffers (in order), then the device-writable ones.
/// <see cref="Head"/> is what goes back into the used ring.
/// </summary>
public sealed class DescriptorChain
{
    internal DescriptorChain(ushort head, List<GuestBuffer> readable, List<GuestBuffer> writable, uint readableLength, uint writableLength)
    {
        Head = head;
        Readable = readable;
        Writable = writable;
        ReadableLength = readableLength;
        WritableLength = writableLength;
    }

    /// <summary>Index of the chain's first descriptor in the queue's table.</summary>
    public ushort Head { get; }

    /// <summary>Buffers the device reads, in chain order.</summary>
    public IReadOnlyList<GuestBuffer> Readable { get; }

    /// <summary>Buffers the device writes, in chain order.</summary>
    public IReadOnlyList<GuestBuffer> Writable { get; }

    /// <summary>Sum of the readable buffers' lengths.</summary>
    public uint ReadableLength { get; }

    /// <summary>Sum of the writable buffers' lengths.</summary>
    public uint WritableLength { get; }

    /// <summary>The avail ring position the chain was taken from (set by <see cref="SplitQueue.TryPop"/>).</summary>
    public ushort AvailIndex { get; internal set; }
}
