using System.Diagnostics;

namespace Parkway.HostTests;

/// <summary>Runs the x86-side tools the host-test fixtures prepare files with (cross compiler, cpio).</summary>
internal static class HostTool
{
    /// <summary>Runs <paramref name="tool"/> in the repository root; throws with its output when it fails.</summary>
    public static void Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot.Path };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd() + error.Result;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{output}");
        }
    }

    /// <summary>Builds Helpers/<paramref name="source"/> as a static arm64 program at <paramref name="output"/>.</summary>
    public static void CompileStaticArm64(string source, string output) =>
        Run("aarch64-linux-gnu-gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", output,
            Path.Combine(AppContext.BaseDirectory, "Helpers", source));
}
