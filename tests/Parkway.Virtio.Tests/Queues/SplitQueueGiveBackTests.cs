using Parkway.Virtio.Queues;
using Parkway.Virtio.Tests.Support;

namespace Parkway.Virtio.Tests.Queues;

/// <summary>
/// Giving back chains a device took but did not complete (a pause before a snapshot): possible only
/// for the last chains taken, and then the next pop (or a restored queue) takes them again.
/// </summary>
public sealed class SplitQueueGiveBackTests
{
    private readonly TestLog _log = new();

    [Fact]
    public void The_last_chains_taken_go_back_and_are_taken_again_in_the_same_order()
    {
        var fixture = new QueueFixture(size: 8);
        SplitQueue queue = fixture.CreateQueue(_log);
        for (ushort head = 0; head < 3; head++)
        {
            fixture.SetDescriptor(head, fixture.Allocate(64), 64, 2 /* VIRTQ_DESC_F_WRITE */);
            fixture.Publish(head);
        }

        Assert.Equal(PopStatus.Available, queue.TryPop(out DescriptorChain? first));
        queue.AddUsed(first!.Head, 0);
        Assert.Equal(PopStatus.Available, queue.TryPop(out DescriptorChain? second));
        Assert.Equal(PopStatus.Available, queue.TryPop(out DescriptorChain? third));

        Assert.True(queue.TryGiveBack([second!, third!]));

        Assert.Equal(1, queue.NextAvail);
        Assert.Equal(1, queue.SaveState().NextAvail);
        Assert.Equal(PopStatus.Available, queue.TryPop(out DescriptorChain? again));
        Assert.Equal(second!.Head, again!.Head);
    }

    [Fact]
    public void Chains_followed_by_another_taken_chain_cannot_go_back_and_nothing_changes()
    {
        var fixture = new QueueFixture(size: 8);
        SplitQueue queue = fixture.CreateQueue(_log);
        for (ushort head = 0; head < 2; head++)
        {
            fixture.SetDescriptor(head, fixture.Allocate(64), 64, 2);
            fixture.Publish(head);
        }

        Assert.Equal(PopStatus.Available, queue.TryPop(out DescriptorChain? held));
        Assert.Equal(PopStatus.Available, queue.TryPop(out DescriptorChain? completed));
        queue.AddUsed(completed!.Head, 0);

        Assert.False(queue.TryGiveBack([held!]));
        Assert.Equal(2, queue.NextAvail);
    }

    [Fact]
    public void Giving_back_nothing_changes_nothing()
    {
        var fixture = new QueueFixture(size: 4);
        SplitQueue queue = fixture.CreateQueue(_log);
        Assert.True(queue.TryGiveBack([]));
        Assert.Equal(0, queue.NextAvail);
    }
}
