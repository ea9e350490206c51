namespace Parkway.Qmp.Fuzz;

/// <summary>
/// Samples the process after a forced full collection every so many inputs (managed heap, RSS, open
/// file descriptors) and judges the trend once the run is over: a leak shows as the last third of the
/// samples sitting above the first third. Warm-up (JIT, pools, first large buffers) is not sampled.
/// </summary>
internal sealed class MemoryMonitor
{
    /// <summary>
    /// Managed heap growth tolerated between the early and late samples' medians. Not zero: the shared
    /// array pools (JsonDocument's buffers in the server and in the reply checks, socket streams, read
    /// buffers) keep megabyte arrays once megabyte inputs went through and drop them later; gcdumps of
    /// runs show the heap made of a handful of such arrays, between 8 and 17 MiB, not of growing
    /// collections. A leak of ~35 bytes per input passes this over 1 000 000 inputs, ~1.7 KB over 20 000.
    /// </summary>
    public const long HeapToleranceBytes = 16L << 20;

    /// <summary>RSS growth tolerated: the runtime keeps freed segments mapped after megabyte inputs, so RSS only catches gross leaks.</summary>
    public const long RssToleranceBytes = 128L << 20;

    private readonly List<Sample> _samples = [];

    public IReadOnlyList<Sample> Samples => _samples;

    /// <param name="inputs">Inputs so far.</param>
    /// <param name="descriptorsInUse">Descriptors the caller knows are legitimately open now (a live socket connection), not counted.</param>
    public Sample Take(long inputs, int descriptorsInUse)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var sample = new Sample(inputs, GC.GetTotalMemory(forceFullCollection: false), Environment.WorkingSet, OpenFileDescriptors() - descriptorsInUse);
        _samples.Add(sample);
        return sample;
    }

    /// <summary>Problems with the trend, empty when memory and descriptors stayed flat.</summary>
    public IEnumerable<string> Judge()
    {
        if (_samples.Count < 6)
        {
            yield break;
        }

        int third = _samples.Count / 3;
        Sample[] early = _samples.Take(third).ToArray();
        Sample[] late = _samples.Skip(_samples.Count - third).ToArray();
        long earlyHeap = Median(early.Select(s => s.ManagedHeap));
        long lateHeap = Median(late.Select(s => s.ManagedHeap));
        if (lateHeap - earlyHeap > HeapToleranceBytes)
        {
            yield return $"managed heap grew from {Mib(earlyHeap)} to {Mib(lateHeap)} (median of the first and last third of {_samples.Count} samples)";
        }

        long earlyRss = Median(early.Select(s => s.Rss));
        long lateRss = Median(late.Select(s => s.Rss));
        if (lateRss - earlyRss > RssToleranceBytes)
        {
            yield return $"RSS grew from {Mib(earlyRss)} to {Mib(lateRss)}";
        }

        if (late.Min(s => s.FileDescriptors) > early.Max(s => s.FileDescriptors))
        {
            yield return $"open file descriptors grew from {early.Max(s => s.FileDescriptors)} to {late.Min(s => s.FileDescriptors)}";
        }
    }

    public static string Mib(long bytes) => $"{bytes / 1048576.0:F1} MiB";

    private static long Median(IEnumerable<long> values)
    {
        long[] sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>
    /// Open descriptors, less the runtime's assembly files: it opens a framework assembly (and keeps it
    /// open) the first time some code path needs it, which is a one-time step, not a leak.
    /// </summary>
    private static int OpenFileDescriptors()
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            return 0;
        }

        int count = 0;
        foreach (string entry in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            string? target = new FileInfo(entry).LinkTarget;
            if (target is null || !target.EndsWith(".dll", StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    public readonly record struct Sample(long Inputs, long ManagedHeap, long Rss, int FileDescriptors);
}
