namespace Parkway.Virtio.Memory;

/// <summary>
/// Guest memory backed by a managed array, starting at <see cref="BaseAddress"/>: what the unit
/// tests (and fuzzers) run the queue parser and the devices over.
/// </summary>
public sealed class ByteArrayGuestMemory : IGuestMemory
{
    private readonly byte[] _bytes;

    /// <summary>Creates <paramref name="size"/> zeroed bytes of "RAM" at <paramref name="baseAddress"/>.</summary>
    public ByteArrayGuestMemory(ulong baseAddress, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (size > 0 && baseAddress > ulong.MaxValue - (ulong)(size - 1))
        {
            throw new ArgumentOutOfRangeException(nameof(baseAddress), "the memory would wrap past 2^64");
        }

        BaseAddress = baseAddress;
        _bytes = GC.AllocateArray<byte>(size, pinned: true); // IGuestMemory's contract: spans never move
    }

    /// <summary>Guest physical address of the first byte.</summary>
    public ulong BaseAddress { get; }

    /// <summary>Size in bytes.</summary>
    public int Size => _bytes.Length;

    /// <inheritdoc />
    public bool TryGetSpan(ulong address, ulong length, out Span<byte> span)
    {
        // Written so no sum can overflow: offset and length are each compared against the size.
        if (address >= BaseAddress && length <= (ulong)_bytes.Length && address - BaseAddress <= (ulong)_bytes.Length - length)
        {
            span = _bytes.AsSpan((int)(address - BaseAddress), (int)length);
            return true;
        }

        span = default;
        return false;
    }
}
