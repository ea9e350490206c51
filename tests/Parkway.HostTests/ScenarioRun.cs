namespace Parkway.HostTests;

/// <summary>
/// One arm64 test host session running a scenario script from Scenarios/ (copied in with the shared
/// helpers), and the per-case results it printed as <c>SCENARIO &lt;case&gt; ...</c> lines.
/// Batching cases into one host boot saves the host's boot time per case.
/// </summary>
public sealed class ScenarioRun
{
    private ScenarioRun(Arm64HostResult host) => Host = host;

    /// <summary>The whole host session.</summary>
    public Arm64HostResult Host { get; }

    /// <summary>
    /// Boots the test host and runs Scenarios/<paramref name="script"/> in it, with
    /// <paramref name="add"/> (host path, absolute path in the test host) copied in as well, and
    /// <paramref name="memoryMegabytes"/> of host RAM (null: the tool's default).
    /// </summary>
    public static ScenarioRun Start(string script, TimeSpan timeout, IEnumerable<(string HostPath, string GuestPath)>? add = null, int? memoryMegabytes = null)
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "Scenarios");
        Arm64HostResult host = Arm64Host.Run(
            $"sh /scenarios/{script}",
            add: [(directory, "/scenarios"), .. add ?? []],
            timeout: timeout,
            memoryMegabytes: memoryMegabytes);
        return new ScenarioRun(host);
    }

    /// <summary>The summary line of a case: "exit=.. vcpu-fds=.. ..." as key/value pairs.</summary>
    public IReadOnlyDictionary<string, string> Summary(string caseName)
    {
        string prefix = $"SCENARIO {caseName} exit=";
        string? line = Host.FirstLineStartingWith(prefix)
            ?? throw new InvalidOperationException($"case {caseName} reported nothing; host output:\n{Host}");
        return line[$"SCENARIO {caseName} ".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(static pair => pair.Split('=', 2))
            .ToDictionary(static kv => kv[0], static kv => kv.Length > 1 ? kv[1] : string.Empty);
    }

    /// <summary>The case's exit code.</summary>
    public int ExitCode(string caseName) => int.Parse(Summary(caseName)["exit"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A numeric summary value of a case.</summary>
    public int Value(string caseName, string key) => int.Parse(Summary(caseName)[key], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The case's stdout lines.</summary>
    public IReadOnlyList<string> Stdout(string caseName) => Stream(caseName, "stdout");

    /// <summary>The case's stderr lines.</summary>
    public IReadOnlyList<string> Stderr(string caseName) => Stream(caseName, "stderr");

    /// <summary>The guest's "PARKWAY-GUEST possible=..." line of a case, parsed into key/value pairs.</summary>
    public IReadOnlyDictionary<string, string> GuestCpus(string caseName)
    {
        string line = Stdout(caseName).FirstOrDefault(static l => l.StartsWith("PARKWAY-GUEST possible=", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"case {caseName}: the guest printed no CPU line; host output:\n{Host}");
        return line["PARKWAY-GUEST ".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(static pair => pair.Split('=', 2))
            .ToDictionary(static kv => kv[0], static kv => kv[1]);
    }

    private List<string> Stream(string caseName, string stream)
    {
        string prefix = $"SCENARIO {caseName} {stream}: ";
        return [.. Host.LinesStartingWith(prefix).Select(l => l[prefix.Length..].TrimEnd('\r'))];
    }
}
