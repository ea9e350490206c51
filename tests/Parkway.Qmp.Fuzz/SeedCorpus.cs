using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// The inputs mutation starts from: every line of the recorded QEMU 7.2 session (requests, replies
/// and events alike: a reply sent back is a fine malformed request), every request literal in the QMP
/// unit tests, and every saved regression case. Read at run time, so the corpus follows the sources.
/// </summary>
internal sealed partial class SeedCorpus
{
    /// <summary>Where the QEMU transcript lives relative to the repository root (shared/ sits beside the checkout).</summary>
    public const string TranscriptPath = "../shared/reference/qemu-7.2-qmp-cpu-hotplug-transcript.jsonl";

    /// <summary>The copy the unit tests compare against, used when shared/ is not beside the checkout.</summary>
    public const string TranscriptCopyPath = "tests/Parkway.Qmp.Tests/Fixtures/qemu-7.2-qmp-cpu-hotplug-transcript.jsonl";

    public const string TestSourcesPath = "tests/Parkway.Qmp.Tests";

    public const string RegressionsPath = "tests/Parkway.Qmp.Tests/Fixtures/fuzz-regressions";

    private SeedCorpus(IReadOnlyList<byte[]> seeds, string description)
    {
        Seeds = seeds;
        Description = description;
    }

    public IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>Where the seeds came from, with counts, for the run's report.</summary>
    public string Description { get; }

    public static SeedCorpus Load(string repositoryRoot)
    {
        var seeds = new List<byte[]>();
        string transcript = Path.GetFullPath(Path.Combine(repositoryRoot, TranscriptPath));
        if (!File.Exists(transcript))
        {
            transcript = Path.Combine(repositoryRoot, TranscriptCopyPath);
        }

        int transcriptLines = 0;
        foreach (string line in File.ReadLines(transcript))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using JsonDocument document = JsonDocument.Parse(line);
            seeds.Add(Encoding.UTF8.GetBytes(document.RootElement.GetProperty("raw").GetString()!));
            transcriptLines++;
        }

        int testRequests = 0;
        foreach (string source in Directory.EnumerateFiles(Path.Combine(repositoryRoot, TestSourcesPath), "*.cs").Order(StringComparer.Ordinal))
        {
            foreach (Match literal in RawStringLiteral().Matches(File.ReadAllText(source)))
            {
                seeds.Add(Encoding.UTF8.GetBytes(literal.Groups[1].Value));
                testRequests++;
            }
        }

        int regressions = 0;
        foreach (string path in RegressionCases(repositoryRoot))
        {
            seeds.Add(File.ReadAllBytes(path));
            regressions++;
        }

        if (transcriptLines == 0 || testRequests == 0)
        {
            throw new InvalidDataException($"seed corpus incomplete: {transcriptLines} transcript lines from {transcript}, {testRequests} test requests");
        }

        return new SeedCorpus(seeds, $"{transcriptLines} lines of {Path.GetFileName(transcript)} ({transcript}), {testRequests} test requests, {regressions} regression cases");
    }

    /// <summary>The saved failing inputs, one file each, in a stable order.</summary>
    public static IEnumerable<string> RegressionCases(string repositoryRoot)
    {
        string directory = Path.Combine(repositoryRoot, RegressionsPath);
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*.bin").Order(StringComparer.Ordinal)
            : [];
    }

    /// <summary>The repository root: the nearest directory above <paramref name="start"/> holding Parkway.sln.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Parkway.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Parkway.sln above {start}");
    }

    // Single-line raw string literals that mention "execute": the tests' requests.
    [GeneratedRegex("\"\"\"(\\{[^\\n]*?\"execute\"[^\\n]*?)\"\"\"")]
    private static partial Regex RawStringLiteral();
}
