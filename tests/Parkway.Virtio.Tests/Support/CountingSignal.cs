using Parkway.Virtio.Events;

namespace Parkway.Virtio.Tests.Support;

/// <summary>An interrupt that counts how often it was raised.</summary>
internal sealed class CountingSignal : IEventSignal
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Signal() => Interlocked.Increment(ref _count);
}
