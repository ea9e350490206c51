using System.Globalization;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// <c>Parkway.Qmp.Fuzz qmp [N] [--seed S] [--no-save]</c>: fuzzes the QMP server with N inputs
/// (default 1 000 000), prints the report, saves each failing input under
/// tests/Parkway.Qmp.Tests/Fixtures/fuzz-regressions/ and exits 1 if anything failed (2: usage).
/// </summary>
internal static class Program
{
    private const string Usage = "usage: Parkway.Qmp.Fuzz qmp [N] [--seed S] [--no-save]";

    public static async Task<int> Main(string[] args)
    {
        if (args is not ["qmp", ..])
        {
            await Console.Error.WriteLineAsync("parkway-fuzz: " + Usage);
            return 2;
        }

        long inputs = 1_000_000;
        int seed = 1;
        bool save = true;
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out seed):
                    i++;
                    break;
                case "--no-save":
                    save = false;
                    break;
                default:
                    if (!long.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out inputs) || inputs <= 0)
                    {
                        await Console.Error.WriteLineAsync($"parkway-fuzz: '{args[i]}' is not a number of inputs; " + Usage);
                        return 2;
                    }

                    break;
            }
        }

        string root = SeedCorpus.FindRepositoryRoot(AppContext.BaseDirectory);
        SeedCorpus corpus = SeedCorpus.Load(root);
        var options = new FuzzOptions(inputs, seed, root, save);
        // Also opens the console's streams now, before memory and descriptors are sampled.
        await Console.Error.WriteLineAsync($"fuzzing the QMP server with {inputs:N0} inputs, seed {seed}; seeds: {corpus.Description}");
        await using var fuzzer = new QmpFuzzer(options);
        FuzzResult result = await fuzzer.RunAsync(corpus.Seeds, corpus.Description, line => Console.Error.WriteLine("  " + line));
        Console.Write(result.ToString());
        return result.Passed ? 0 : 1;
    }
}
