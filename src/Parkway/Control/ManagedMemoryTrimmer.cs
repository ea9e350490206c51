using Microsoft.Extensions.Logging;

namespace Parkway.Control;

/// <summary>
/// Gives the collector's spare memory back to the OS after control-plane work. The guest's own path
/// (vCPU exits, device queues) allocates almost nothing; QMP clients do, and the collector sizes its
/// budgets to that traffic and keeps what it committed: in the 1000-cycle soak Parkway's own memory
/// grew by 6.6 MiB that way, with no leak behind it (docs/reliability.md, "The RSS question"). On a
/// host packed with VMMs that memory matters, so every <see cref="CheckInterval"/> this runs one
/// aggressive collection (compacting, and decommitting what is free) when at least
/// <see cref="AllocationThresholdBytes"/> were allocated since the last one. A VM nobody talks to
/// allocates less than that and is never interrupted; a busy control plane pays one full collection
/// of a heap of a few MiB per interval. Started only with <c>--qmp</c>: the monitor's clients are
/// what allocates once the guest runs.
/// </summary>
internal sealed partial class ManagedMemoryTrimmer : IDisposable
{
    /// <summary>How often the allocation count is looked at.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(10);

    /// <summary>Allocation since the last trim that makes the next check trim (a busy QMP client allocates this in seconds; the metrics writer alone in minutes).</summary>
    public const long AllocationThresholdBytes = 1L << 20;

    private readonly ILogger _logger;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private long _allocatedAtLastTrim;
    private int _trims;
    private bool _disposed;

    private ManagedMemoryTrimmer(ILogger logger, TimeSpan interval)
    {
        _logger = logger;
        _allocatedAtLastTrim = GC.GetTotalAllocatedBytes(precise: false);
        _timer = new Timer(_ => Check(), null, interval, interval);
    }

    /// <summary>Starts checking every <see cref="CheckInterval"/> (on a thread-pool timer).</summary>
    public static ManagedMemoryTrimmer Start(ILogger logger) => new(logger, CheckInterval);

    /// <summary>Starts checking every <paramref name="interval"/> (tests).</summary>
    internal static ManagedMemoryTrimmer Start(ILogger logger, TimeSpan interval) => new(logger, interval);

    /// <summary>Trims done so far.</summary>
    public int Trims
    {
        get
        {
            lock (_lock)
            {
                return _trims;
            }
        }
    }

    /// <summary>Whether a check that sees <paramref name="allocatedNow"/> bytes allocated since start-up should trim.</summary>
    internal static bool ShouldTrim(long allocatedAtLastTrim, long allocatedNow) =>
        allocatedNow - allocatedAtLastTrim >= AllocationThresholdBytes;

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private void Check()
    {
        lock (_lock)
        {
            // Timer callbacks can overlap a slow collection; the lock makes them take turns.
            if (_disposed || !ShouldTrim(_allocatedAtLastTrim, GC.GetTotalAllocatedBytes(precise: false)))
            {
                return;
            }

            long committedBefore = GC.GetGCMemoryInfo().TotalCommittedBytes;
            TimeSpan pausedBefore = GC.GetTotalPauseDuration();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            _allocatedAtLastTrim = GC.GetTotalAllocatedBytes(precise: false);
            _trims++;
            long committedAfter = GC.GetGCMemoryInfo().TotalCommittedBytes;
            double pauseMs = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
            Trimmed(_logger, _trims, committedBefore >> 10, committedAfter >> 10, pauseMs);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "memory trim {Count}: collector committed {BeforeKib} KiB -> {AfterKib} KiB, paused {PauseMs:F1} ms")]
    private static partial void Trimmed(ILogger logger, int count, long beforeKib, long afterKib, double pauseMs);
}
