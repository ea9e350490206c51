using System.Globalization;
using System.Text.RegularExpressions;

namespace Parkway.Bench;

/// <summary>
/// The guest kernel's own view of CPU bring-up, from the dmesg lines guest/init prints before
/// powering off with <c>parkway.cpulog</c> (<c>PARKWAY-CPULOG [  12.345678] ...</c>). A new CPU's
/// first line is "Detected ... I-cache on CPU<i>n</i>" (early in secondary_start_kernel), its last
/// "CPU<i>n</i>: Booted secondary processor" (just before it tells the boot CPU it is up). Linux
/// arm64 brings CPUs up one at a time, so in a batch the distance between successive "Booted"
/// lines is the whole per-CPU cost inside the guest (the rest of the online states, the next
/// sysfs write, PSCI CPU_ON, the secondary's early boot).
/// </summary>
internal static partial class GuestCpuLog
{
    /// <summary>One plug batch as the guest logged it: per CPU, when it started running and when it said it was up (kernel seconds).</summary>
    internal sealed record Batch(IReadOnlyList<(int Cpu, double Detected, double Booted)> Cpus);

    /// <summary>
    /// The plug batches in order. Every batch the benchmark makes starts at CPU 1 and the guest
    /// onlines in ascending order, so a "Booted" line for CPU 1 starts a new batch.
    /// </summary>
    public static IReadOnlyList<Batch> Batches(IEnumerable<string> transcript)
    {
        var batches = new List<Batch>();
        List<(int, double, double)>? current = null;
        var detected = new Dictionary<int, double>();
        foreach (string line in transcript)
        {
            Match match = CpuLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            double at = double.Parse(match.Groups["time"].Value, CultureInfo.InvariantCulture);
            string text = match.Groups["text"].Value;
            if (DetectedLine().Match(text) is { Success: true } d)
            {
                detected[int.Parse(d.Groups["cpu"].Value, CultureInfo.InvariantCulture)] = at;
            }
            else if (BootedLine().Match(text) is { Success: true } b)
            {
                int cpu = int.Parse(b.Groups["cpu"].Value, CultureInfo.InvariantCulture);
                if (cpu == 1 || current is null)
                {
                    current = [];
                    batches.Add(new Batch(current));
                }

                current.Add((cpu, detected.GetValueOrDefault(cpu, at), at));
            }
        }

        return batches;
    }

    [GeneratedRegex(@"PARKWAY-CPULOG \[\s*(?<time>[0-9]+\.[0-9]+)\] (?<text>.*)$")]
    private static partial Regex CpuLine();

    [GeneratedRegex(@"Detected .* on CPU(?<cpu>[0-9]+)")]
    private static partial Regex DetectedLine();

    [GeneratedRegex(@"CPU(?<cpu>[0-9]+): Booted secondary processor")]
    private static partial Regex BootedLine();
}
