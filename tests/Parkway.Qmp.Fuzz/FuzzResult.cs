using System.Globalization;
using System.Text;

namespace Parkway.Qmp.Fuzz;

/// <summary>What a run did and found; <see cref="ToString"/> is the printed report.</summary>
internal sealed class FuzzResult
{
    public long Inputs { get; set; }

    public TimeSpan Elapsed { get; set; }

    public string Seeds { get; set; } = "";

    public int Seed { get; set; }

    public long ReplyLines { get; set; }

    public long StructuredInputs { get; set; }

    public long Connections { get; set; }

    public long SocketConnections { get; set; }

    public long CleanCloses { get; set; }

    public long MachineCalls { get; set; }

    public Dictionary<string, long> Shapes { get; } = new(StringComparer.Ordinal);

    /// <summary>The input that took longest to be answered (not a property: a pointer to quadratic code paths).</summary>
    public (long Number, TimeSpan Took, int Length, string Text)? Slowest { get; set; }

    public List<FuzzFailure> Failures { get; } = [];

    public Dictionary<string, long> FailureCounts { get; } = new(StringComparer.Ordinal);

    public List<string> MemoryProblems { get; } = [];

    public IReadOnlyList<MemoryMonitor.Sample> Memory { get; set; } = [];

    public bool Passed => Failures.Count == 0 && MemoryProblems.Count == 0;

    public double InputsPerSecond => Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public override string ToString()
    {
        var report = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        report.AppendLine(c, $"qmp fuzz: {Inputs:N0} inputs in {Elapsed.TotalSeconds:F1} s = {InputsPerSecond:N0} inputs/s (seed {Seed})");
        report.AppendLine(c, $"seeds: {Seeds}");
        report.AppendLine(c, $"inputs with a predicted reply (structure mutants): {StructuredInputs:N0}");
        report.AppendLine(c, $"connections: {Connections:N0} ({SocketConnections:N0} over the Unix socket, the rest in memory); client half-closes answered and closed cleanly: {CleanCloses:N0}");
        report.AppendLine(c, $"machine calls recorded: {MachineCalls:N0}");
        report.AppendLine(c, $"reply lines: {ReplyLines:N0}; distinct reply shapes: {Shapes.Count}");
        foreach ((string shape, long count) in Shapes.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal))
        {
            report.AppendLine(c, $"  {count,12:N0}  {shape}");
        }

        if (Slowest is { } slowest)
        {
            report.AppendLine(c, $"slowest input: #{slowest.Number}, {slowest.Took.TotalMilliseconds:F0} ms, {slowest.Length:N0} bytes: {slowest.Text}");
        }

        if (Memory.Count > 0)
        {
            MemoryMonitor.Sample first = Memory[0];
            MemoryMonitor.Sample last = Memory[^1];
            report.AppendLine(c, $"memory after forced GC ({Memory.Count} samples, first after {first.Inputs:N0} inputs): managed heap {MemoryMonitor.Mib(first.ManagedHeap)} -> {MemoryMonitor.Mib(last.ManagedHeap)} (max {MemoryMonitor.Mib(Memory.Max(s => s.ManagedHeap))}), RSS {MemoryMonitor.Mib(first.Rss)} -> {MemoryMonitor.Mib(last.Rss)} (max {MemoryMonitor.Mib(Memory.Max(s => s.Rss))}), fds {first.FileDescriptors} -> {last.FileDescriptors}");
        }

        foreach (string problem in MemoryProblems)
        {
            report.AppendLine(c, $"FAIL memory: {problem}");
        }

        report.AppendLine(c, $"failures: {Failures.Count} distinct");
        foreach (FuzzFailure failure in Failures)
        {
            report.AppendLine(c, $"FAIL ({FailureCounts[failure.Key]:N0}x) {failure}");
        }

        return report.ToString();
    }
}
