using System.Globalization;

namespace Parkway.Bench;

/// <summary>
/// The side-by-side suite (scripts/bench): every measure, every subject, interleaved rep by rep so
/// that the test host's drift hits all of them alike.
/// </summary>
internal sealed class SuiteBench(Subjects subjects, SuiteOptions options, TextWriter progress)
{
    private static readonly TimeSpan RawTimeout = TimeSpan.FromMinutes(2), BootTimeout = TimeSpan.FromMinutes(4);
    private static readonly string[] RawSubjects = [ResultTable.Parkway, ResultTable.Qemu, ResultTable.Floor];

    public ResultTable Table { get; } = new();

    public void Run()
    {
        for (int rep = 1; rep <= options.Reps; rep++)
        {
            progress.WriteLine($"rep {rep}/{options.Reps}: raw guest");
            foreach (int n in options.RawPossible)
            {
                foreach (string subject in RawSubjects)
                {
                    RawStart(subject, n);
                }
            }

            Hello();
            progress.WriteLine($"rep {rep}/{options.Reps}: MMIO round trip");
            foreach (string subject in RawSubjects)
            {
                MmioRoundTrip(subject);
            }

            MmioRoundTripFloorWithSignalMask();

            progress.WriteLine($"rep {rep}/{options.Reps}: Linux boots");
            foreach (int n in options.BootPossible)
            {
                LinuxBoot(ResultTable.Parkway, n, acpi: false);
                LinuxBoot(ResultTable.Parkway, n, acpi: true);
                LinuxBoot(ResultTable.Qemu, n, acpi: false);
            }
        }

        AddSlopes();
    }

    /// <summary>(b) launch → first output of the raw guest, and what the VMM then holds in memory and threads.</summary>
    private void RawStart(string subject, int possible)
    {
        using VmmProcess vmm = subjects.Raw(subject, subjects.RawImage("raw-hold.img"), possible);
        double ms = vmm.MillisecondsUntil("H", RawTimeout);
        Table.Add(Name("raw guest: launch → first output", possible), "ms", subject, ms);
        Table.Add(Name("raw guest: VMM RSS", possible), "MiB", subject, vmm.Status("VmRSS") / 1024.0);
        Table.Add(Name("raw guest: VMM threads", possible), "count", subject, vmm.Status("Threads"));
    }

    /// <summary>The .NET floor: a Native AOT hello world built like parkway, launch → exit.</summary>
    private void Hello()
    {
        using VmmProcess hello = subjects.HelloWorld();
        hello.Console.WaitFor("hello", RawTimeout);
        hello.WaitForExit(RawTimeout);
        Table.Add(".NET Native AOT hello world: launch → exit", "ms", ResultTable.Floor, (DateTimeOffset.UtcNow - hello.Launched).TotalMilliseconds);
    }

    /// <summary>(c) the time of one MMIO exit to the VMM and back, over many reads of a UART register.</summary>
    private void MmioRoundTrip(string subject) =>
        TimeMmioReads(subjects.Raw(subject, MmioImage, 1), $"MMIO exit round trip ({options.MmioReads} reads)", subject);

    /// <summary>
    /// The floor with the one kernel-side cost Parkway's design adds to every exit: an active
    /// KVM_SET_SIGNAL_MASK (the kick signal is deliverable only inside KVM_RUN), so KVM swaps the
    /// thread's signal mask on every entry and exit. Parkway minus this row is Parkway's own code.
    /// </summary>
    private void MmioRoundTripFloorWithSignalMask() =>
        TimeMmioReads(subjects.FloorRaw(MmioImage, 1, signalMask: true),
            $"MMIO exit round trip ({options.MmioReads} reads), floor with a KVM signal mask", ResultTable.Floor);

    private string MmioImage => subjects.RawImage($"raw-mmio-{options.MmioReads}.img");

    /// <summary>The time between the raw guest's S and E lines, per UART read in between (one exit each).</summary>
    private void TimeMmioReads(VmmProcess started, string row, string subject)
    {
        using VmmProcess vmm = started;
        DateTimeOffset start = vmm.Console.WaitFor("S", RawTimeout);
        DateTimeOffset end = vmm.Console.WaitFor("E", RawTimeout);
        Table.Add(row, "µs", subject, (end - start).TotalMicroseconds / options.MmioReads);
        vmm.WaitForExit(RawTimeout);
    }

    /// <summary>(a) launch → the guest's /init, (d) RSS while the guest holds, (f) KVM exits per boot.</summary>
    private void LinuxBoot(string subject, int possible, bool acpi)
    {
        string variant = subject == ResultTable.Qemu ? string.Empty : acpi ? " (ACPI)" : " (FDT)";
        const string hold = "parkway.hold=1";
        using KvmExitCounter? exits = KvmExitCounter.Available ? KvmExitCounter.Start() : null;
        using VmmProcess vmm = subject == ResultTable.Qemu ? subjects.QemuLinux(possible, hold) : subjects.ParkwayLinux(possible, acpi, hold);
        double ms = vmm.MillisecondsUntil("PARKWAY-GUEST possible=", BootTimeout);
        vmm.Console.WaitFor("PARKWAY-GUEST holding", BootTimeout);
        long rss = vmm.Status("VmRSS");
        vmm.WaitForExit(BootTimeout);
        string row = Name($"Linux: launch → /init{variant}", possible);
        if (subject == ResultTable.Qemu)
        {
            // QEMU has no ACPI boot without firmware: its one FDT boot stands beside both of Parkway's.
            Table.Add(Name("Linux: launch → /init (FDT)", possible), "ms", subject, ms);
            Table.Add(Name("Linux: launch → /init (ACPI)", possible), "ms", subject, ms);
        }
        else
        {
            Table.Add(row, "ms", subject, ms);
        }

        if (!acpi || subject == ResultTable.Qemu)
        {
            Table.Add(Name("Linux: VMM RSS while the guest holds", possible), "MiB", subject, rss / 1024.0);
            if (exits is not null)
            {
                Table.Add(Name("Linux: KVM exits per boot", possible), "count", subject, exits.Stop());
            }
        }
    }

    /// <summary>The cost of one more possible vCPU: the slope between the smallest and largest N.</summary>
    private void AddSlopes()
    {
        int low = options.RawPossible[0], high = options.RawPossible[^1];
        foreach (string subject in RawSubjects)
        {
            Table.AddDerived($"cost per possible vCPU (N={low}→{high}): time", "ms", subject,
                Slope(Name("raw guest: launch → first output", low), Name("raw guest: launch → first output", high), subject, high - low, 1));
            Table.AddDerived($"cost per possible vCPU (N={low}→{high}): memory", "KiB", subject,
                Slope(Name("raw guest: VMM RSS", low), Name("raw guest: VMM RSS", high), subject, high - low, 1024));
        }

        double? parkwayStart = Table.Median(Name("raw guest: launch → first output", low), ResultTable.Parkway);
        double? hello = Table.Median(".NET Native AOT hello world: launch → exit", ResultTable.Floor);
        if (parkwayStart is double p && hello is double h)
        {
            Table.Add($"Parkway's own start-up (first output at N={low} − hello world)", "ms", ResultTable.Parkway, p - h);
        }
    }

    private double? Slope(string lowRow, string highRow, string subject, int steps, double scale) =>
        Table.Median(lowRow, subject) is double a && Table.Median(highRow, subject) is double b ? (b - a) * scale / steps : null;

    private static string Name(string measure, int possible) => string.Create(CultureInfo.InvariantCulture, $"{measure}, N={possible}");
}

internal sealed record SuiteOptions(int Reps, int[] BootPossible, int[] RawPossible, int MmioReads)
{
    public static SuiteOptions Full(int reps) => new(reps, [1, 8, 64], [1, 64, 256], 20_000);

    public static SuiteOptions Quick(int reps) => new(reps, [1], [1, 64], 2_000);
}
