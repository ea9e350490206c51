using System.Diagnostics;

namespace Parkway.Tests.Cli;

/// <summary>What one run of the parkway executable printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// Runs the real <c>parkway</c> program out of process (Program is internal, and exit codes and
/// stderr are only honest from a real process). The test project references src/Parkway, so
/// parkway.dll sits next to the test assembly; it is started with the same dotnet host.
/// </summary>
internal static class ParkwayCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static CliResult Run(params string[] arguments)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "parkway.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"parkway.dll not found next to the tests ({dll}): is src/Parkway still referenced?");
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"parkway {string.Join(' ', arguments)} did not exit within {Timeout.TotalSeconds} s");
        }

        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string DotnetHost()
    {
        // Set by the dotnet CLI for the processes it starts (dotnet test → testhost).
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
