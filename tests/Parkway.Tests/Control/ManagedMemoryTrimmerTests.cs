using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Control;

namespace Parkway.Tests.Control;

public sealed class ManagedMemoryTrimmerTests
{
    [Fact]
    public void ATrimNeedsAThresholdOfAllocationSinceTheLastOne()
    {
        const long lastTrim = 50_000_000;
        Assert.False(ManagedMemoryTrimmer.ShouldTrim(lastTrim, lastTrim));
        Assert.False(ManagedMemoryTrimmer.ShouldTrim(lastTrim, lastTrim + ManagedMemoryTrimmer.AllocationThresholdBytes - 1));
        Assert.True(ManagedMemoryTrimmer.ShouldTrim(lastTrim, lastTrim + ManagedMemoryTrimmer.AllocationThresholdBytes));
        Assert.True(ManagedMemoryTrimmer.ShouldTrim(lastTrim, lastTrim + 100 * ManagedMemoryTrimmer.AllocationThresholdBytes));
    }

    [Fact]
    public void AfterEnoughAllocation_ACheckRunsAFullCollection()
    {
        using ManagedMemoryTrimmer trimmer = ManagedMemoryTrimmer.Start(NullLogger.Instance, TimeSpan.FromMilliseconds(20));
        int fullCollections = GC.CollectionCount(2);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (trimmer.Trims == 0 && DateTime.UtcNow < deadline)
        {
            // Garbage: 64 KiB per round, 2 MiB of it well before the deadline.
            for (int i = 0; i < 16; i++)
            {
                GC.KeepAlive(new byte[4096]);
            }

            Thread.Sleep(1);
        }

        Assert.True(trimmer.Trims > 0, "no trim within 30 s");
        Assert.True(GC.CollectionCount(2) > fullCollections);
    }
}
