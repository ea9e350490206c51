using System.Globalization;

namespace Parkway.Bench;

/// <summary>
/// The MMIO exit round trip alone (scripts/bench --mmio): Parkway, the floor and the floor with a
/// KVM signal mask, interleaved rep by rep, and optionally a second parkway binary (the one before
/// a change) in the same test-host boot, so a change to the exit path is measured against the
/// floor and against itself under the same noise. Each rep's ratios go to the progress output.
/// </summary>
internal sealed class MmioBench(Subjects subjects, int reps, int reads, string? compareParkway, TextWriter progress)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public ResultTable Table { get; } = new();

    public void Run()
    {
        string image = subjects.RawImage(string.Create(CultureInfo.InvariantCulture, $"raw-mmio-{reads}.img"));
        string row = string.Create(CultureInfo.InvariantCulture, $"MMIO exit round trip ({reads} reads)");
        string compareRow = row + ", --compare binary";
        string maskRow = row + ", floor with a KVM signal mask";
        for (int rep = 1; rep <= reps; rep++)
        {
            double parkway = Time(subjects.ParkwayRaw(image, 1));
            double? before = compareParkway is null ? null : Time(subjects.ParkwayRaw(image, 1, compareParkway));
            double floor = Time(subjects.FloorRaw(image, 1));
            double masked = Time(subjects.FloorRaw(image, 1, signalMask: true));
            Table.Add(row, "µs", ResultTable.Parkway, parkway);
            Table.Add(row, "µs", ResultTable.Floor, floor);
            Table.Add(maskRow, "µs", ResultTable.Floor, masked);
            string compared = string.Empty;
            if (before is double b)
            {
                Table.Add(compareRow, "µs", ResultTable.Parkway, b);
                Table.Add(compareRow, "µs", ResultTable.Floor, floor);
                compared = string.Create(CultureInfo.InvariantCulture, $", --compare {b:F1} µs ({b / floor:F3}× the floor)");
            }

            progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mmio rep {rep}/{reps}: Parkway {parkway:F1} µs ({parkway / floor:F3}× the floor){compared}, floor {floor:F1} µs, floor with a signal mask {masked:F1} µs"));
        }
    }

    /// <summary>The time between the raw guest's S and E lines, per UART read in between (one exit each).</summary>
    private double Time(VmmProcess started)
    {
        using VmmProcess vmm = started;
        DateTimeOffset start = vmm.Console.WaitFor("S", Timeout);
        DateTimeOffset end = vmm.Console.WaitFor("E", Timeout);
        vmm.WaitForExit(Timeout);
        return (end - start).TotalMicroseconds / reads;
    }
}
