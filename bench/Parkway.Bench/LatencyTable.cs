namespace Parkway.Bench;

/// <summary>Collects samples per measure and prints median, min and max in milliseconds.</summary>
internal sealed class LatencyTable
{
    private readonly List<(string Name, List<double> Samples)> _rows = [];

    public void Add(string measure, TimeSpan value)
    {
        List<double>? samples = _rows.Find(r => r.Name == measure).Samples;
        if (samples is null)
        {
            samples = [];
            _rows.Add((measure, samples));
        }

        samples.Add(value.TotalMilliseconds);
    }

    public void Print(TextWriter output)
    {
        output.WriteLine($"{"measure",-34} {"n",3} {"median ms",10} {"min ms",10} {"max ms",10}");
        foreach ((string name, List<double> samples) in _rows)
        {
            double[] sorted = [.. samples.Order()];
            double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
            output.WriteLine($"{name,-34} {sorted.Length,3} {median,10:0.0} {sorted[0],10:0.0} {sorted[^1],10:0.0}");
        }
    }
}
