using System.Diagnostics;
using System.Globalization;

namespace Parkway.Machine;

/// <summary>
/// Where Parkway's start-up time goes, phase by phase, from exec to the first KVM_RUN: set
/// <c>PARKWAY_STARTUP_TRACE=1</c> and every <see cref="Mark"/> prints one line on stderr,
/// <c>parkway: startup +12.345 ms phase</c>, counted from the process's own start (the kernel's
/// start time of the process, so the runtime's start-up before Main is visible too). Off, a mark
/// costs one static bool test; on, marks are written as they happen (unbuffered) so a slow phase
/// shows up even if the next one never comes.
/// </summary>
public static class StartupTrace
{
    private static readonly bool s_enabled = Environment.GetEnvironmentVariable("PARKWAY_STARTUP_TRACE") == "1";
    private static readonly long s_originTimestamp = s_enabled ? Stopwatch.GetTimestamp() : 0;
    private static readonly double s_originMs = s_enabled ? MillisecondsSinceProcessStart() : 0;
    private static int s_firstRunMarked;

    /// <summary>True when tracing was asked for.</summary>
    public static bool Enabled => s_enabled;

    /// <summary>Records that <paramref name="phase"/> just finished.</summary>
    public static void Mark(string phase)
    {
        if (!s_enabled)
        {
            return;
        }

        double ms = s_originMs + Stopwatch.GetElapsedTime(s_originTimestamp).TotalMilliseconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parkway: startup +{ms:0.000} ms {phase}"));
    }

    /// <summary>Marks the first guest entry of the whole process, once, whichever vCPU gets there first.</summary>
    public static void MarkFirstGuestEntry(int slot)
    {
        if (s_enabled && Interlocked.Exchange(ref s_firstRunMarked, 1) == 0)
        {
            Mark(string.Create(CultureInfo.InvariantCulture, $"first KVM_RUN (vCPU {slot})"));
        }
    }

    /// <summary>
    /// Milliseconds between the kernel starting this process and now: /proc/self/stat's start time
    /// (clock ticks since boot, field 22) against /proc/uptime. Both have 10 ms resolution, so the
    /// first mark carries that much uncertainty; the differences between marks do not.
    /// </summary>
    private static double MillisecondsSinceProcessStart()
    {
        try
        {
            string stat = File.ReadAllText("/proc/self/stat");
            // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double startTicks = double.Parse(fields[19], CultureInfo.InvariantCulture);
            double uptimeSeconds = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
            const double TicksPerSecond = 100; // USER_HZ on every Linux architecture Parkway runs on
            return Math.Max(0, (uptimeSeconds - (startTicks / TicksPerSecond)) * 1000);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
