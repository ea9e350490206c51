using System.Globalization;

namespace Parkway.Bench;

/// <summary>
/// Waits until the test host is idle before a measured launch. A VMM that just ended leaves the
/// host kernel work to finish (freeing its memory and KVM state: QEMU's 64-vCPU boots the most),
/// and whichever process starts next pays for it: in one test-host boot, Parkway started right
/// after QEMU's 64-vCPU run took 0.85–1.3 s to its first output, the floor started there 0.1 s and
/// Parkway started after the floor 0.3 s as always (docs/performance.md). Waiting for idle CPUs
/// gives every subject the same start.
/// </summary>
internal static class HostSettle
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100), Limit = TimeSpan.FromSeconds(5);

    /// <summary>Returns once a 100 ms window was ≥ 90 % idle over all CPUs, or after 5 s.</summary>
    public static void Wait()
    {
        DateTime deadline = DateTime.UtcNow + Limit;
        (long idle, long total) before = Sample();
        while (DateTime.UtcNow < deadline)
        {
            Thread.Sleep(Step);
            (long idle, long total) now = Sample();
            long total = now.total - before.total;
            if (total > 0 && (now.idle - before.idle) * 10 >= total * 9)
            {
                return;
            }

            before = now;
        }
    }

    /// <summary>The "cpu" line of /proc/stat: idle + iowait, and the sum of every field, in ticks.</summary>
    private static (long Idle, long Total) Sample()
    {
        string line = File.ReadLines("/proc/stat").First();
        long[] fields = [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture))];
        return (fields[3] + fields[4], fields.Sum());
    }
}
