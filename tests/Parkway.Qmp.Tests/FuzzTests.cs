using Parkway.Qmp.Fuzz;
using Xunit.Abstractions;

namespace Parkway.Qmp.Tests;

/// <summary>
/// The QMP fuzzer (tests/Parkway.Qmp.Fuzz, <c>scripts/fuzz qmp</c>) in the unit suite: a short run
/// with a fixed seed, and every input a longer run ever saved as a regression case.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private static readonly string RepositoryRoot = SeedCorpus.FindRepositoryRoot(AppContext.BaseDirectory);

    public static TheoryData<string> RegressionCases()
    {
        var cases = new TheoryData<string>();
        foreach (string path in SeedCorpus.RegressionCases(RepositoryRoot))
        {
            cases.Add(Path.GetFileName(path));
        }

        return cases;
    }

    [Fact]
    public async Task A_short_fuzz_run_holds_every_property()
    {
        SeedCorpus corpus = SeedCorpus.Load(RepositoryRoot);
        var options = new FuzzOptions(Inputs: 20_000, Seed: 20_000, RepositoryRoot, SaveFailures: false) { SampleEvery = 1000 };
        await using var fuzzer = new QmpFuzzer(options);

        FuzzResult result = await fuzzer.RunAsync(corpus.Seeds, corpus.Description);

        output.WriteLine(result.ToString());
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(20_000, result.Inputs);
        // The run must have reached the interesting parts, not just bounced off the parser.
        Assert.True(result.StructuredInputs > 5_000, $"{result.StructuredInputs} structure mutants");
        Assert.True(result.Shapes.Keys.Count(k => k.StartsWith("return ", StringComparison.Ordinal)) >= 5, string.Join("\n", result.Shapes.Keys));
        Assert.True(result.Shapes.Keys.Count(k => k.StartsWith("event ", StringComparison.Ordinal)) >= 4, string.Join("\n", result.Shapes.Keys));
        Assert.True(result.Shapes.Count >= 40, $"{result.Shapes.Count} reply shapes");
        Assert.True(result.MachineCalls > 1_000, $"{result.MachineCalls} machine calls");
        Assert.True(result.CleanCloses > 100, $"{result.CleanCloses} half-closes");
        Assert.True(result.SocketConnections > 0);
        Assert.True(result.Memory.Count >= 6, $"{result.Memory.Count} memory samples");
    }

    [Theory]
    [MemberData(nameof(RegressionCases))]
    public async Task A_saved_regression_case_gets_QEMU_shaped_answers_and_the_connection_survives(string name)
    {
        byte[] bytes = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot, SeedCorpus.RegressionsPath, name));
        var options = new FuzzOptions(Inputs: 1, Seed: 0, RepositoryRoot, SaveFailures: false);
        await using var fuzzer = new QmpFuzzer(options);

        // As one write followed by the next command, one byte per write, and followed by a half-close.
        await fuzzer.RunOneAsync(new FuzzInput(bytes, [], CloseAfter: false, Expected: null), 1);
        await fuzzer.RunOneAsync(new FuzzInput(bytes, Enumerable.Range(1, bytes.Length - 1).ToArray(), CloseAfter: false, Expected: null), 2);
        await fuzzer.RunOneAsync(new FuzzInput(bytes, [], CloseAfter: true, Expected: null), 3);
        await fuzzer.RunOneAsync(new FuzzInput("{\"execute\": \"query-status\"}"u8.ToArray(), [], CloseAfter: false, Expected: null), 4);

        Assert.True(fuzzer.Result.Passed, fuzzer.Result.ToString());
    }
}
