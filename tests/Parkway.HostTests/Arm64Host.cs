using System.Diagnostics;
using System.Text;

namespace Parkway.HostTests;

/// <summary>
/// Runs shell commands inside the arm64 test host (an emulated arm64 machine with real arm64 KVM)
/// through scripts/arm64-host. Inside, <c>parkway</c> is on PATH and a guest kernel and initramfs
/// wait at /guest/Image and /guest/initrd. Each call boots a fresh host: budget ~6-10 s plus the
/// command's own time, and use <see cref="Arm64HostCollection"/> so boots do not overlap.
/// </summary>
public static class Arm64Host
{
    /// <summary>The tool's own time limit on the command when the caller gives none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);

    // Setup before the boot (a `dotnet publish` of parkway when src/ changed, downloads on a fresh
    // machine) is not covered by the tool's --timeout; allow for it on top before we kill the tool.
    private static readonly TimeSpan SetupAllowance = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Boots the test host, runs <paramref name="command"/> with /bin/sh -c in it and returns its exit
    /// code and output.
    /// </summary>
    /// <param name="command">Shell command line run inside the host (cwd /, HOME=/root).</param>
    /// <param name="add">Host files or directories to copy in, each to an absolute guest path.</param>
    /// <param name="hostKernel">The test host's kernel: "6.12" (default) or "6.1".</param>
    /// <param name="timeout">Wall-clock limit on the boot and command; exit code 124 when it hits.</param>
    /// <param name="memoryMegabytes">The host's RAM; null keeps the tool's default (2048).</param>
    /// <param name="onOutputLine">Called with each output line as it arrives (e.g. to stream to the test log).</param>
    public static Arm64HostResult Run(
        string command,
        IEnumerable<(string HostPath, string GuestPath)>? add = null,
        string hostKernel = "6.12",
        TimeSpan? timeout = null,
        int? memoryMegabytes = null,
        Action<string>? onOutputLine = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var limit = timeout ?? DefaultTimeout;
        string originalCommand = command;
        if (SeccompOverride.Mode is { } seccompMode)
        {
            command = SeccompOverride.Wrap(command);
            add = [.. add ?? [], SeccompOverride.Shim(seccompMode)];
        }
        var startInfo = CreateStartInfo(command, add, hostKernel, limit, memoryMegabytes);

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (output)
            {
                output.Append(e.Data).Append('\n');
            }
            onOutputLine?.Invoke(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.Append(e.Data).Append('\n');
                }
            }
        };

        process.Start();
        // CI has no stdin; neither does the tool need one. Closing it proves that.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (!process.WaitForExit(limit + SetupAllowance))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (errors)
            {
                errors.Append("Arm64Host: killed scripts/arm64-host, which outlived its own timeout\n");
            }
            return Finish(Arm64HostResult.TimedOutExitCode);
        }
        // The parameterless wait also drains the asynchronous output readers.
        process.WaitForExit();
        return Finish(process.ExitCode);

        Arm64HostResult Finish(int exitCode)
        {
            lock (output)
            {
                lock (errors)
                {
                    if (SeccompOverride.Mode is not null)
                    {
                        SeccompOverride.Record(originalCommand, output.ToString());
                    }
                    return new Arm64HostResult(exitCode, output.ToString(), errors.ToString(), stopwatch.Elapsed);
                }
            }
        }
    }

    private static ProcessStartInfo CreateStartInfo(
        string command,
        IEnumerable<(string HostPath, string GuestPath)>? add,
        string hostKernel,
        TimeSpan timeout,
        int? memoryMegabytes)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        var args = startInfo.ArgumentList;
        args.Add(System.IO.Path.Combine(RepositoryRoot.Path, "scripts", "arm64-host"));
        args.Add("--host-kernel");
        args.Add(hostKernel);
        args.Add("--timeout");
        args.Add(((int)Math.Ceiling(timeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (memoryMegabytes is { } memory)
        {
            args.Add("--memory");
            args.Add(memory.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (var (hostPath, guestPath) in add ?? [])
        {
            if (hostPath.Contains('=', StringComparison.Ordinal))
            {
                throw new ArgumentException($"host path may not contain '=': {hostPath}", nameof(add));
            }
            args.Add("--add");
            args.Add($"{System.IO.Path.GetFullPath(hostPath)}={guestPath}");
        }
        args.Add("--");
        args.Add(command);
        return startInfo;
    }
}
