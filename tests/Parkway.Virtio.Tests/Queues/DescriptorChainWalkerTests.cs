using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Queues;
using Parkway.Virtio.Tests.Support;
using static Parkway.Virtio.Queues.VirtqueueLayout;

namespace Parkway.Virtio.Tests.Queues;

/// <summary>The chain walker against well-formed and malformed chains a hostile driver can build.</summary>
public sealed class DescriptorChainWalkerTests
{
    private readonly QueueFixture _queue = new(size: 8);
    private readonly ChainWalkOptions _options = new(IndirectAllowed: true);

    private ChainFault Fault(ushort head = 0, ChainWalkOptions? options = null)
    {
        bool ok = DescriptorChainWalker.TryWalk(_queue.Memory, _queue.DescriptorTable, _queue.Size, head, options ?? _options, out DescriptorChain? chain, out ChainFault fault);
        Assert.False(ok, "the walker accepted a malformed chain");
        Assert.Null(chain);
        return fault;
    }

    private DescriptorChain Walk(ushort head = 0, ChainWalkOptions? options = null)
    {
        bool ok = DescriptorChainWalker.TryWalk(_queue.Memory, _queue.DescriptorTable, _queue.Size, head, options ?? _options, out DescriptorChain? chain, out ChainFault fault);
        Assert.True(ok, fault.Detail);
        return chain!;
    }

    [Fact]
    public void A_readable_then_writable_chain_is_split_in_order_with_totals()
    {
        ulong header = _queue.Allocate(16), data = _queue.Allocate(512), status = _queue.Allocate(1);
        _queue.SetDescriptor(3, header, 16, DescriptorFlagNext, 5);
        _queue.SetDescriptor(5, data, 512, DescriptorFlagNext | DescriptorFlagWrite, 1);
        _queue.SetDescriptor(1, status, 1, DescriptorFlagWrite);

        DescriptorChain chain = Walk(3);

        Assert.Equal(3, chain.Head);
        Assert.Equal([new GuestBuffer(header, 16)], chain.Readable);
        Assert.Equal([new GuestBuffer(data, 512), new GuestBuffer(status, 1)], chain.Writable);
        Assert.Equal(16u, chain.ReadableLength);
        Assert.Equal(513u, chain.WritableLength);
    }

    [Fact]
    public void An_indirect_table_is_followed_and_its_descriptors_are_the_chain()
    {
        ulong a = _queue.Allocate(8), b = _queue.Allocate(32);
        ulong table = _queue.Allocate(3 * 16);
        _queue.WriteDescriptor(table, 0, a, 8, DescriptorFlagNext, 2);
        _queue.WriteDescriptor(table, 2, b, 32, DescriptorFlagWrite);
        _queue.SetDescriptor(0, table, 3 * 16, DescriptorFlagIndirect);

        DescriptorChain chain = Walk();

        Assert.Equal([new GuestBuffer(a, 8)], chain.Readable);
        Assert.Equal([new GuestBuffer(b, 32)], chain.Writable);
    }

    [Fact]
    public void A_descriptor_pointing_at_itself_is_a_loop()
    {
        _queue.SetDescriptor(0, _queue.Allocate(4), 4, DescriptorFlagNext, 0);
        Assert.Equal(GuestErrorKind.DescriptorLoop, Fault().Kind);
    }

    [Fact]
    public void A_cycle_through_several_descriptors_is_a_loop()
    {
        ulong buffer = _queue.Allocate(4);
        _queue.SetDescriptor(2, buffer, 4, DescriptorFlagNext, 4);
        _queue.SetDescriptor(4, buffer, 4, DescriptorFlagNext, 6);
        _queue.SetDescriptor(6, buffer, 4, DescriptorFlagNext, 4);
        Assert.Equal(GuestErrorKind.DescriptorLoop, Fault(2).Kind);
    }

    [Fact]
    public void A_loop_inside_an_indirect_table_is_a_loop()
    {
        ulong buffer = _queue.Allocate(4), table = _queue.Allocate(32);
        _queue.WriteDescriptor(table, 0, buffer, 4, DescriptorFlagNext, 1);
        _queue.WriteDescriptor(table, 1, buffer, 4, DescriptorFlagNext, 0);
        _queue.SetDescriptor(0, table, 32, DescriptorFlagIndirect);
        Assert.Equal(GuestErrorKind.DescriptorLoop, Fault().Kind);
    }

    [Fact]
    public void Using_every_descriptor_once_is_not_a_loop()
    {
        ulong buffer = _queue.Allocate(4);
        for (ushort i = 0; i < 8; i++)
        {
            _queue.SetDescriptor(i, buffer, 4, i < 7 ? DescriptorFlagNext : (ushort)0, (ushort)(i + 1));
        }

        Assert.Equal(8, Walk().Readable.Count);
    }

    [Fact]
    public void A_next_index_beyond_the_table_is_refused()
    {
        _queue.SetDescriptor(0, _queue.Allocate(4), 4, DescriptorFlagNext, 8);
        Assert.Equal(GuestErrorKind.DescriptorIndexOutOfRange, Fault().Kind);
    }

    [Fact]
    public void A_next_index_beyond_an_indirect_table_is_refused()
    {
        ulong table = _queue.Allocate(32);
        _queue.WriteDescriptor(table, 0, _queue.Allocate(4), 4, DescriptorFlagNext, 2);
        _queue.SetDescriptor(0, table, 32, DescriptorFlagIndirect);
        Assert.Equal(GuestErrorKind.DescriptorIndexOutOfRange, Fault().Kind);
    }

    [Fact]
    public void A_head_beyond_the_table_is_refused() =>
        Assert.Equal(GuestErrorKind.DescriptorIndexOutOfRange, Fault(head: 8).Kind);

    [Theory]
    [InlineData(0x1000UL, 16u)] // below RAM
    [InlineData(QueueFixture.RamBase + QueueFixture.RamSize - 8, 16u)] // straddles the end of RAM
    [InlineData(QueueFixture.RamBase + QueueFixture.RamSize, 1u)] // just past RAM
    [InlineData(ulong.MaxValue - 7, 16u)] // wraps past 2^64
    [InlineData(QueueFixture.RamBase, uint.MaxValue)] // longer than RAM
    public void A_buffer_outside_guest_ram_is_refused(ulong address, uint length)
    {
        _queue.SetDescriptor(0, address, length, 0);
        Assert.Equal(GuestErrorKind.DescriptorOutOfRange, Fault().Kind);
    }

    [Fact]
    public void An_indirect_table_outside_guest_ram_is_refused()
    {
        _queue.SetDescriptor(0, ulong.MaxValue - 15, 32, DescriptorFlagIndirect);
        Assert.Equal(GuestErrorKind.DescriptorOutOfRange, Fault().Kind);
    }

    [Fact]
    public void More_descriptors_than_the_device_allows_is_too_long()
    {
        ulong buffer = _queue.Allocate(4);
        for (ushort i = 0; i < 4; i++)
        {
            _queue.SetDescriptor(i, buffer, 4, i < 3 ? DescriptorFlagNext : (ushort)0, (ushort)(i + 1));
        }

        Assert.Equal(GuestErrorKind.ChainTooLong, Fault(options: _options with { MaxDescriptors = 3 }).Kind);
        Assert.Equal(4, Walk(options: _options with { MaxDescriptors = 4 }).Readable.Count);
    }

    [Fact]
    public void A_total_length_beyond_4_GiB_is_an_overflow_even_when_each_buffer_is_in_range()
    {
        // A memory with a huge fake range: two 3 GiB buffers would each be fine on their own.
        var memory = new HugeMemory();
        QueueFixture.WriteDescriptor(memory, 0, 0, 0x1_0000, 0xC000_0000, DescriptorFlagNext, 1);
        QueueFixture.WriteDescriptor(memory, 0, 1, 0x1_0000, 0xC000_0000, DescriptorFlagWrite, 0);
        bool ok = DescriptorChainWalker.TryWalk(memory, 0, 8, 0, _options, out _, out ChainFault fault);
        Assert.False(ok);
        Assert.Equal(GuestErrorKind.ChainLengthOverflow, fault.Kind);
    }

    [Fact]
    public void An_indirect_descriptor_inside_an_indirect_table_is_refused()
    {
        ulong inner = _queue.Allocate(16), outer = _queue.Allocate(16);
        _queue.WriteDescriptor(inner, 0, _queue.Allocate(4), 4, 0);
        _queue.WriteDescriptor(outer, 0, inner, 16, DescriptorFlagIndirect);
        _queue.SetDescriptor(0, outer, 16, DescriptorFlagIndirect);
        Assert.Equal(GuestErrorKind.NestedIndirect, Fault().Kind);
    }

    [Fact]
    public void Indirect_together_with_next_is_refused()
    {
        ulong table = _queue.Allocate(16);
        _queue.WriteDescriptor(table, 0, _queue.Allocate(4), 4, 0);
        _queue.SetDescriptor(0, table, 16, DescriptorFlagIndirect | DescriptorFlagNext, 1);
        Assert.Equal(GuestErrorKind.IndirectWithNext, Fault().Kind);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(15u)]
    [InlineData(17u)]
    public void An_indirect_table_that_is_empty_or_not_whole_descriptors_is_refused(uint length)
    {
        _queue.SetDescriptor(0, _queue.Allocate(32), length, DescriptorFlagIndirect);
        Assert.Equal(GuestErrorKind.BadIndirectLength, Fault().Kind);
    }

    [Fact]
    public void Indirect_without_the_feature_is_refused()
    {
        ulong table = _queue.Allocate(16);
        _queue.WriteDescriptor(table, 0, _queue.Allocate(4), 4, 0);
        _queue.SetDescriptor(0, table, 16, DescriptorFlagIndirect);
        Assert.Equal(GuestErrorKind.IndirectNotNegotiated, Fault(options: _options with { IndirectAllowed = false }).Kind);
    }

    [Fact]
    public void A_readable_buffer_after_a_writable_one_is_refused_when_the_device_requires_order()
    {
        ulong buffer = _queue.Allocate(4);
        _queue.SetDescriptor(0, buffer, 4, DescriptorFlagWrite | DescriptorFlagNext, 1);
        _queue.SetDescriptor(1, buffer, 4, 0);

        Assert.Equal(GuestErrorKind.ReadableAfterWritable, Fault().Kind);
        DescriptorChain relaxed = Walk(options: _options with { RequireReadableBeforeWritable = false });
        Assert.Single(relaxed.Readable);
        Assert.Single(relaxed.Writable);
    }

    [Fact]
    public void A_descriptor_table_that_is_not_in_ram_is_refused()
    {
        bool ok = DescriptorChainWalker.TryWalk(_queue.Memory, 0x10, 8, 0, _options, out _, out ChainFault fault);
        Assert.False(ok);
        Assert.Equal(GuestErrorKind.DescriptorOutOfRange, fault.Kind);
    }

    /// <summary>8 GiB of "RAM" at 0 that reads as zeros except a small descriptor table at 0.</summary>
    private sealed class HugeMemory : Parkway.Virtio.Memory.IGuestMemory
    {
        private readonly byte[] _table = new byte[4096];

        public bool TryGetSpan(ulong address, ulong length, out Span<byte> span)
        {
            if (address + length <= (ulong)_table.Length)
            {
                span = _table.AsSpan((int)address, (int)length);
                return true;
            }

            span = default;
            return address < (8UL << 30) && length <= (8UL << 30) - address;
        }
    }
}
