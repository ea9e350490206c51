using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Tests.Support;

namespace Parkway.Virtio.Tests.Transport;

/// <summary>The rate limit: one line per (device, kind) per interval, with a count of what was held back.</summary>
public sealed class GuestErrorLogTests
{
    private readonly TestLog _log = new();

    [Fact]
    public void Repeats_inside_the_interval_are_counted_not_logged()
    {
        Assert.True(_log.Log.Report("blk0", GuestErrorKind.DescriptorLoop, "first"));
        Assert.False(_log.Log.Report("blk0", GuestErrorKind.DescriptorLoop, "second"));
        Assert.False(_log.Log.Report("blk0", GuestErrorKind.DescriptorLoop, "third"));
        _log.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(_log.Log.Report("blk0", GuestErrorKind.DescriptorLoop, "fourth"));

        Assert.Equal(2, _log.Lines.Count);
        Assert.Contains("first", _log.Lines[0], StringComparison.Ordinal);
        Assert.Contains("fourth", _log.Lines[1], StringComparison.Ordinal);
        Assert.Contains("2 more since the last report", _log.Lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Different_kinds_and_devices_are_limited_separately()
    {
        Assert.True(_log.Log.Report("blk0", GuestErrorKind.DescriptorLoop, "a"));
        Assert.True(_log.Log.Report("blk0", GuestErrorKind.AvailIndexJump, "b"));
        Assert.True(_log.Log.Report("blk1", GuestErrorKind.DescriptorLoop, "c"));
        Assert.Equal(3, _log.Lines.Count);
        Assert.Contains("blk1", _log.Lines[2], StringComparison.Ordinal);
    }
}
