namespace Parkway.Qmp.Fuzz;

/// <summary>How a run goes.</summary>
/// <param name="Inputs">How many inputs to send.</param>
/// <param name="Seed">Seeds the input generator: the same seed replays the same run.</param>
/// <param name="RepositoryRoot">Where the seeds are read (and regression cases written).</param>
/// <param name="SaveFailures">Write each failing input as a regression case file.</param>
/// <param name="MaxDistinctFailures">Stop after this many different failures.</param>
internal sealed record FuzzOptions(long Inputs, int Seed, string RepositoryRoot, bool SaveFailures, int MaxDistinctFailures = 20)
{
    /// <summary>Inputs on one connection before the fuzzer opens a fresh one (connection life cycles get fuzzed too).</summary>
    public int InputsPerConnection { get; init; } = 2000;

    /// <summary>Every how many inputs memory is sampled; 0 picks about 200 samples per run.</summary>
    public long SampleEvery { get; init; }

    /// <summary>Longest wait for the answer to one input (a hang is a failure).</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(60);
}
