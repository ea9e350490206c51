using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Queues;
using Parkway.Virtio.Tests.Support;
using static Parkway.Virtio.Queues.VirtqueueLayout;

namespace Parkway.Virtio.Tests.Queues;

/// <summary>Popping, completing and interrupt suppression of the split queue, with hostile rings.</summary>
public sealed class SplitQueueTests
{
    private readonly TestLog _log = new();

    [Fact]
    public void Chains_pop_in_avail_order_and_then_the_queue_is_empty()
    {
        var fixture = new QueueFixture(size: 4);
        SplitQueue queue = fixture.CreateQueue(_log);
        fixture.SetDescriptor(2, fixture.Allocate(4), 4, 0);
        fixture.SetDescriptor(0, fixture.Allocate(4), 4, 0);
        fixture.Publish(2);
        fixture.Publish(0);

        Assert.Equal(PopStatus.Available, queue.TryPop(out DescriptorChain? first));
        Assert.Equal(PopStatus.Available, queue.TryPop(out DescriptorChain? second));
        Assert.Equal(PopStatus.Empty, queue.TryPop(out DescriptorChain? none));

        Assert.Equal(2, first!.Head);
        Assert.Equal(0, second!.Head);
        Assert.Null(none);
        Assert.Equal(2, queue.NextAvail);
    }

    [Fact]
    public void A_used_entry_is_written_then_published_by_the_used_index()
    {
        var fixture = new QueueFixture(size: 4);
        SplitQueue queue = fixture.CreateQueue(_log);

        queue.AddUsed(3, 123);
        queue.AddUsed(1, 0);

        Assert.Equal(2, fixture.UsedIndex);
        Assert.Equal((3u, 123u), fixture.Used(0));
        Assert.Equal((1u, 0u), fixture.Used(1));
    }

    [Fact]
    public void Indices_wrap_at_65536_and_ring_slots_wrap_at_the_queue_size()
    {
        var fixture = new QueueFixture(size: 4, startIndex: 65534);
        SplitQueue queue = fixture.CreateQueue(_log);
        fixture.SetDescriptor(0, fixture.Allocate(4), 4, 0);
        for (int i = 0; i < 3; i++)
        {
            fixture.Publish(0);
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(PopStatus.Available, queue.TryPop(out DescriptorChain? chain));
            queue.AddUsed(chain!.Head, 4);
        }

        Assert.Equal(PopStatus.Empty, queue.TryPop(out _));
        Assert.Equal(1, queue.NextAvail);
        Assert.Equal(1, fixture.UsedIndex);
        Assert.Equal((0u, 4u), fixture.Used(65534 % 4));
        Assert.Equal((0u, 4u), fixture.Used(0));
    }

    [Fact]
    public void An_avail_index_that_jumps_more_than_the_queue_size_breaks_the_queue_and_is_logged_once()
    {
        var fixture = new QueueFixture(size: 4);
        SplitQueue queue = fixture.CreateQueue(_log);
        fixture.SetAvailIndex(5);

        Assert.Equal(PopStatus.Broken, queue.TryPop(out _));
        Assert.Equal(PopStatus.Broken, queue.TryPop(out _));
        Assert.True(queue.IsBroken);
        Assert.Single(_log.Lines);
        Assert.True(_log.Mentions(GuestErrorKind.AvailIndexJump));
        queue.AddUsed(0, 0);
        Assert.Equal(0, fixture.UsedIndex); // a broken queue writes nothing more
    }

    [Fact]
    public void An_avail_index_exactly_a_queue_size_ahead_is_a_full_ring_not_a_jump()
    {
        var fixture = new QueueFixture(size: 4);
        SplitQueue queue = fixture.CreateQueue(_log);
        fixture.SetDescriptor(0, fixture.Allocate(4), 4, 0);
        for (int i = 0; i < 4; i++)
        {
            fixture.Publish(0);
        }

        Assert.Equal(PopStatus.Available, queue.TryPop(out _));
    }

    [Fact]
    public void A_malformed_chain_is_returned_with_length_zero_and_the_next_chain_is_served()
    {
        var fixture = new QueueFixture(size: 4);
        SplitQueue queue = fixture.CreateQueue(_log);
        fixture.SetDescriptor(0, fixture.Allocate(4), 4, DescriptorFlagNext, 0); // loop
        fixture.SetDescriptor(1, fixture.Allocate(4), 4, 0);
        fixture.Publish(0);
        fixture.Publish(1);

        Assert.Equal(PopStatus.Available, queue.TryPop(out DescriptorChain? chain));

        Assert.Equal(1, chain!.Head);
        Assert.Equal(1, fixture.UsedIndex);
        Assert.Equal((0u, 0u), fixture.Used(0));
        Assert.True(_log.Mentions(GuestErrorKind.DescriptorLoop));
    }

    [Fact]
    public void The_same_mistake_repeated_is_logged_once_per_interval()
    {
        var fixture = new QueueFixture(size: 8);
        SplitQueue queue = fixture.CreateQueue(_log);
        fixture.SetDescriptor(0, 0x10, 4, 0); // outside RAM
        for (int i = 0; i < 6; i++)
        {
            fixture.Publish(0);
        }

        Assert.Equal(PopStatus.Empty, queue.TryPop(out _));
        Assert.Equal(6, fixture.UsedIndex);
        Assert.Single(_log.Lines);

        _log.Clock.Advance(TimeSpan.FromSeconds(11));
        fixture.Publish(0);
        Assert.Equal(PopStatus.Empty, queue.TryPop(out _));
        Assert.Equal(2, _log.Lines.Count);
        Assert.Contains("5 more", _log.Lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_head_index_beyond_the_queue_size_breaks_the_queue()
    {
        var fixture = new QueueFixture(size: 4);
        SplitQueue queue = fixture.CreateQueue(_log);
        fixture.Publish(9);

        Assert.Equal(PopStatus.Broken, queue.TryPop(out _));
        Assert.Equal(0, fixture.UsedIndex);
        Assert.True(_log.Mentions(GuestErrorKind.DescriptorIndexOutOfRange));
    }

    [Fact]
    public void Without_event_index_the_no_interrupt_flag_suppresses_interrupts()
    {
        var fixture = new QueueFixture(size: 4);
        SplitQueue queue = fixture.CreateQueue(_log);

        Assert.False(queue.ShouldInterrupt()); // nothing used yet
        queue.AddUsed(0, 0);
        Assert.True(queue.ShouldInterrupt());
        Assert.False(queue.ShouldInterrupt()); // nothing new since

        fixture.SetAvailFlags(AvailFlagNoInterrupt);
        queue.AddUsed(0, 0);
        Assert.False(queue.ShouldInterrupt());
    }

    [Fact]
    public void With_event_index_an_interrupt_is_due_only_when_the_used_index_passes_used_event()
    {
        var fixture = new QueueFixture(size: 8);
        SplitQueue queue = fixture.CreateQueue(_log, eventIndex: true);

        fixture.SetUsedEvent(2); // "interrupt me when entry 2 is used"
        queue.AddUsed(0, 0); // used idx 1
        Assert.False(queue.ShouldInterrupt());
        queue.AddUsed(0, 0); // used idx 2: entry 1 used
        Assert.False(queue.ShouldInterrupt());
        queue.AddUsed(0, 0); // used idx 3: entry 2 used
        Assert.True(queue.ShouldInterrupt());

        fixture.SetUsedEvent(3);
        queue.AddUsed(0, 0);
        queue.AddUsed(0, 0); // a batch stepping over used_event still interrupts once
        Assert.True(queue.ShouldInterrupt());
    }

    [Fact]
    public void With_event_index_an_empty_queue_publishes_avail_event_as_its_next_index()
    {
        var fixture = new QueueFixture(size: 8);
        SplitQueue queue = fixture.CreateQueue(_log, eventIndex: true);
        fixture.SetDescriptor(0, fixture.Allocate(4), 4, 0);
        fixture.Publish(0);
        fixture.Publish(0);

        while (queue.TryPop(out _) == PopStatus.Available)
        {
        }

        Assert.Equal(2, fixture.AvailEvent);
    }

    [Fact]
    public void State_carries_the_ring_positions()
    {
        var fixture = new QueueFixture(size: 4, startIndex: 7);
        SplitQueue queue = fixture.CreateQueue(_log);
        fixture.SetDescriptor(0, fixture.Allocate(4), 4, 0);
        fixture.Publish(0);
        queue.TryPop(out DescriptorChain? chain);
        queue.AddUsed(chain!.Head, 1);

        VirtqueueState state = queue.SaveState();

        Assert.Equal(fixture.State() with { NextAvail = 8, NextUsed = 8 }, state);
    }
}
