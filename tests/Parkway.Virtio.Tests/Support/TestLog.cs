using Parkway.Virtio.Diagnostics;

namespace Parkway.Virtio.Tests.Support;

/// <summary>A guest error log over a recording logger and a manual clock.</summary>
internal sealed class TestLog
{
    public RecordingLogger Logger { get; } = new();

    public ManualTimeProvider Clock { get; } = new();

    public GuestErrorLog Log { get; }

    public TestLog() => Log = new GuestErrorLog(Logger, TimeSpan.FromSeconds(10), Clock);

    public IReadOnlyList<string> Lines => Logger.Lines;

    /// <summary>True when some line mentions the error kind.</summary>
    public bool Mentions(GuestErrorKind kind) => Lines.Any(line => line.Contains(kind.ToString(), StringComparison.Ordinal));
}
