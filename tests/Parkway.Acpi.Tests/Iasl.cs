using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Parkway.Acpi.Tests;

/// <summary>Runs the ACPICA compiler/disassembler; tests that need it fail (not skip) when it is missing.</summary>
internal static partial class Iasl
{
    public sealed record Result(int ExitCode, string Output)
    {
        /// <summary>Lines in which iasl reports an error or a warning (the summary's "0 Errors" excluded).</summary>
        public IReadOnlyList<string> Problems => Output.Split('\n').Where(IsProblem).ToList();
    }

    public static string Locate()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Append("/usr/bin"))
        {
            var candidate = Path.Combine(directory, "iasl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail("iasl was not found on PATH; install the Debian package acpica-tools (apt-get install acpica-tools).");
        return string.Empty;
    }

    public static Result Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Locate())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("iasl did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            Assert.Fail("iasl did not finish within 60 s");
        }

        return new Result(process.ExitCode, stdout + "\n" + stderr.Result);
    }

    private static bool IsProblem(string line) =>
        ProblemPattern().IsMatch(line) && !SummaryPattern().IsMatch(line);

    [GeneratedRegex(@"\b(Error|Warning)s?\b", RegexOptions.IgnoreCase)]
    private static partial Regex ProblemPattern();

    // "Compilation successful. 0 Errors, 0 Warnings, 1 Remarks, ..." is fine; non-zero counts are not.
    [GeneratedRegex(@"\b0 Errors, 0 Warnings\b")]
    private static partial Regex SummaryPattern();
}
