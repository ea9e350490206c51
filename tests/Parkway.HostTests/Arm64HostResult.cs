namespace Parkway.HostTests;

/// <summary>
/// What one <see cref="Arm64Host.Run"/> produced: the command's exit code inside the arm64 test host
/// (or the tool's own 124 = timed out / 125 = host failed to boot), its console output, and the
/// tool's diagnostics.
/// </summary>
public sealed class Arm64HostResult
{
    /// <summary>Exit code scripts/arm64-host reports when the command did not finish in time.</summary>
    public const int TimedOutExitCode = 124;

    /// <summary>Exit code scripts/arm64-host reports when the test host did not boot or its init died.</summary>
    public const int BootFailedExitCode = 125;

    /// <summary>Creates a result from the tool's exit code, stdout and stderr.</summary>
    public Arm64HostResult(int exitCode, string output, string errors, TimeSpan elapsed)
    {
        ExitCode = exitCode;
        Output = output;
        Errors = errors;
        Elapsed = elapsed;
        // The serial console may deliver CRLF; tests compare lines, not line endings.
        Lines = output.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0).ToArray();
    }

    /// <summary>The command's exit code (or 124/125, see the constants).</summary>
    public int ExitCode { get; }

    /// <summary>Everything the command printed (stdout and stderr merged by the serial console).</summary>
    public string Output { get; }

    /// <summary>The tool's own messages on stderr: setup logs, timeouts, boot failures.</summary>
    public string Errors { get; }

    /// <summary>Wall-clock time of the whole run, setup included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Non-empty output lines, without line terminators.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>True when the tool gave up waiting for the command.</summary>
    public bool TimedOut => ExitCode == TimedOutExitCode;

    /// <summary>Every output line that starts with <paramref name="prefix"/>, in order.</summary>
    public IReadOnlyList<string> LinesStartingWith(string prefix) =>
        Lines.Where(line => line.StartsWith(prefix, StringComparison.Ordinal)).ToArray();

    /// <summary>The first output line that starts with <paramref name="prefix"/>, or null.</summary>
    public string? FirstLineStartingWith(string prefix) =>
        Lines.FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>
    /// The rest of the first line that starts with <paramref name="prefix"/> (prefix removed, trimmed),
    /// or null when there is none. Handy for "KEY value" lines.
    /// </summary>
    public string? ValueAfter(string prefix) => FirstLineStartingWith(prefix)?[prefix.Length..].Trim();

    /// <summary>A readable account of the run for assertion messages.</summary>
    public override string ToString() =>
        $"exit code {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- output ---\n{Output}\n--- arm64-host stderr ---\n{Errors}";
}
