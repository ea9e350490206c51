namespace Parkway.Virtio.Devices.Vsock;

/// <summary>
/// A bounded FIFO of bytes (one connection's guest → host data the host socket has not taken yet).
/// The storage is allocated on first use, so an idle connection costs nothing; it never grows past
/// <see cref="Capacity"/>, which is what bounds the VMM's memory per connection.
/// </summary>
internal sealed class ByteRing(int capacity)
{
    private byte[]? _buffer;
    private int _start;

    /// <summary>The most bytes the ring holds.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Bytes waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Room left.</summary>
    public int Free => Capacity - Count;

    /// <summary>Appends all of <paramref name="data"/>; the caller checked <see cref="Free"/>.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.Length > Free)
        {
            throw new InvalidOperationException($"{data.Length} bytes do not fit the {Free} free in the ring");
        }

        _buffer ??= new byte[Capacity];
        int end = (_start + Count) % Capacity;
        int first = Math.Min(data.Length, Capacity - end);
        data[..first].CopyTo(_buffer.AsSpan(end));
        data[first..].CopyTo(_buffer);
        Count += data.Length;
    }

    /// <summary>The oldest contiguous run of waiting bytes (empty when none).</summary>
    public ReadOnlySpan<byte> Peek() =>
        _buffer is null || Count == 0 ? [] : _buffer.AsSpan(_start, Math.Min(Count, Capacity - _start));

    /// <summary>Drops the oldest <paramref name="count"/> bytes (after the socket took them).</summary>
    public void Consume(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        _start = (_start + count) % Capacity;
        Count -= count;
        if (Count == 0)
        {
            _start = 0;
        }
    }

    /// <summary>Forgets everything and frees the storage.</summary>
    public void Clear()
    {
        _buffer = null;
        _start = 0;
        Count = 0;
    }
}
