using Parkway.Virtio.Devices.Vsock;

namespace Parkway.Virtio.Tests.Devices.Vsock;

/// <summary>The per-stream guest → host buffer: FIFO order across the wrap, never past its capacity.</summary>
public sealed class ByteRingTests
{
    [Fact]
    public void Bytes_come_out_in_order_across_the_wrap()
    {
        var ring = new ByteRing(8);
        ring.Write([1, 2, 3, 4, 5, 6]);
        ring.Consume(4);
        ring.Write([7, 8, 9, 10, 11]); // wraps: 5 6 | 7 8 | 9 10 11 at the start

        var drained = new List<byte>();
        while (ring.Count > 0)
        {
            ReadOnlySpan<byte> run = ring.Peek();
            drained.AddRange(run.ToArray());
            ring.Consume(run.Length);
        }

        Assert.Equal(new byte[] { 5, 6, 7, 8, 9, 10, 11 }, drained);
        Assert.Equal(8, ring.Free);
    }

    [Fact]
    public void More_than_the_free_space_is_refused_and_nothing_is_written()
    {
        var ring = new ByteRing(4);
        ring.Write([1, 2, 3]);
        Assert.Throws<InvalidOperationException>(() => ring.Write([4, 5]));
        Assert.Equal(3, ring.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.Consume(4));
    }

    [Fact]
    public void An_unused_ring_holds_no_storage_and_clear_forgets_everything()
    {
        var ring = new ByteRing(1 << 20);
        Assert.True(ring.Peek().IsEmpty);
        ring.Write([1]);
        ring.Clear();
        Assert.Equal(0, ring.Count);
        Assert.True(ring.Peek().IsEmpty);
    }
}
