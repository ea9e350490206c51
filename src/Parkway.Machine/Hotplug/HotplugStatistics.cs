namespace Parkway.Machine.Hotplug;

/// <summary>Latency percentiles over the recent samples, in milliseconds (null when there is no sample).</summary>
public sealed record LatencyPercentiles(int Samples, double? P50, double? P90, double? P99, double? Max);

/// <summary>Hot-plug counters since the machine started, and the recent latencies (request → completed).</summary>
public sealed record HotplugStatistics(
    long PlugsRequested,
    long PlugsCompleted,
    long UnplugsRequested,
    long UnplugsCompleted,
    long UnplugsRefused,
    long UnplugsTimedOut,
    long Resizes,
    LatencyPercentiles PlugLatency,
    LatencyPercentiles UnplugLatency);

/// <summary>The last N latency samples, and their percentiles (nearest rank).</summary>
internal sealed class LatencyWindow(int capacity)
{
    private readonly double[] _samples = new double[capacity];
    private int _count;
    private int _next;

    public void Add(double milliseconds)
    {
        _samples[_next] = milliseconds;
        _next = (_next + 1) % _samples.Length;
        _count = Math.Min(_count + 1, _samples.Length);
    }

    public LatencyPercentiles Percentiles()
    {
        if (_count == 0)
        {
            return new LatencyPercentiles(0, null, null, null, null);
        }

        double[] sorted = _samples[.._count];
        Array.Sort(sorted);
        return new LatencyPercentiles(_count, Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted[^1]);
    }

    /// <summary>Nearest-rank percentile: the smallest sample with at least p of the samples at or below it.</summary>
    internal static double Rank(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
