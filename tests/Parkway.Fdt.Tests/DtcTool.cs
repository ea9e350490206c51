using System.Diagnostics;

namespace Parkway.Fdt.Tests;

/// <summary>
/// Runs the reference device tree compiler (Debian package device-tree-compiler). The cross-check
/// tests must fail, not skip, when it is missing: a silently skipped cross-check proves nothing.
/// </summary>
internal static class DtcTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static string Path
    {
        get
        {
            string[] candidates = ["/usr/bin/dtc", .. (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => System.IO.Path.Combine(dir, "dtc"))];
            return candidates.FirstOrDefault(File.Exists)
                ?? throw new Xunit.Sdk.XunitException(
                    "dtc not found: install the Debian package device-tree-compiler (apt-get install device-tree-compiler).");
        }
    }

    public static Result Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new Xunit.Sdk.XunitException("could not start dtc");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            throw new Xunit.Sdk.XunitException($"dtc {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
