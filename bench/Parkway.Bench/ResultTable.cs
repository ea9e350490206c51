using System.Globalization;

namespace Parkway.Bench;

/// <summary>
/// The benchmark table: one row per measure, one column per subject (Parkway, QEMU, the C floor),
/// each cell the median [min..max] of its samples, and Parkway's ratio to QEMU and to the floor.
/// Printed as Markdown so scripts/bench can paste it into docs/performance.md.
/// </summary>
internal sealed class ResultTable
{
    public const string Parkway = "Parkway", Qemu = "QEMU", Floor = "floor";

    private readonly List<Row> _rows = [];

    public void Add(string measure, string unit, string subject, double value)
    {
        Row? row = _rows.Find(r => r.Measure == measure);
        if (row is null)
        {
            row = new Row(measure, unit);
            _rows.Add(row);
        }

        if (!row.Samples.TryGetValue(subject, out List<double>? samples))
        {
            samples = [];
            row.Samples[subject] = samples;
        }

        samples.Add(value);
    }

    public double? Median(string measure, string subject) =>
        _rows.Find(r => r.Measure == measure)?.Samples.TryGetValue(subject, out List<double>? s) == true ? MedianOf(s!) : null;

    /// <summary>Adds a derived row (for example a per-vCPU slope) with one value per subject.</summary>
    public void AddDerived(string measure, string unit, string subject, double? value)
    {
        if (value is double v)
        {
            Add(measure, unit, subject, v);
        }
    }

    public void Print(TextWriter output)
    {
        output.WriteLine("| measure | unit | Parkway | QEMU | floor | Parkway / QEMU | Parkway / floor |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (Row row in _rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Measure} | {row.Unit} | {Cell(row, Parkway)} | {Cell(row, Qemu)} | {Cell(row, Floor)} | {Ratio(row, Qemu)} | {Ratio(row, Floor)} |"));
        }
    }

    private static string Cell(Row row, string subject)
    {
        if (!row.Samples.TryGetValue(subject, out List<double>? samples) || samples.Count == 0)
        {
            return "–";
        }

        if (samples.Count == 1)
        {
            return Format(samples[0]);
        }

        return $"{Format(MedianOf(samples))} [{Format(samples.Min())}..{Format(samples.Max())}]";
    }

    private static string Ratio(Row row, string other)
    {
        if (!row.Samples.TryGetValue(Parkway, out List<double>? mine) || !row.Samples.TryGetValue(other, out List<double>? theirs)
            || mine.Count == 0 || theirs.Count == 0 || MedianOf(theirs) == 0)
        {
            return "–";
        }

        return (MedianOf(mine) / MedianOf(theirs)).ToString("0.00", CultureInfo.InvariantCulture) + "×";
    }

    private static double MedianOf(List<double> samples)
    {
        double[] sorted = [.. samples.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Format(double value) =>
        Math.Abs(value) >= 100 ? value.ToString("0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.00", CultureInfo.InvariantCulture);

    private sealed record Row(string Measure, string Unit)
    {
        public Dictionary<string, List<double>> Samples { get; } = [];
    }
}
