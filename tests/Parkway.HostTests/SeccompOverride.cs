namespace Parkway.HostTests;

/// <summary>
/// Test-only switch for checking the seccomp allow-lists against every host test:
/// <c>PARKWAY_SECCOMP=on|log|off</c> on the test runner makes each <c>parkway run</c> in the test
/// host use that <c>--seccomp</c> mode unless the scenario names one itself (a shim earlier on PATH
/// adds the option), turns off the printk rate limit the kernel's audit records go through, and
/// prints every seccomp audit record (<c>type=1326</c>) at the end of the session as
/// <c>SECCOMP-AUDIT &lt;record&gt;</c> lines. <c>PARKWAY_SECCOMP_AUDIT=FILE</c> also appends those
/// lines to FILE, so a run of several classes leaves one list to read (docs/reliability.md).
/// Without the variable nothing changes.
/// </summary>
internal static class SeccompOverride
{
    /// <summary>The prefix of the audit lines printed after the command.</summary>
    public const string AuditPrefix = "SECCOMP-AUDIT ";

    // Earlier on the test host's PATH than /usr/local/bin, where the real binary is.
    private const string ShimGuestPath = "/usr/local/sbin/parkway";

    private static readonly Lazy<string?> s_mode = new(ReadMode);

    /// <summary>The forced mode, or null when the variable is not set.</summary>
    public static string? Mode => s_mode.Value;

    /// <summary>The command to run instead of <paramref name="command"/>: the same, wrapped as described above.</summary>
    public static string Wrap(string command) =>
        "echo 0 > /proc/sys/kernel/printk_ratelimit; " +
        $"( {command}\n); rc=$?; " +
        $"dmesg | grep -E 'type=1326|audit_lost|callbacks suppressed' | sed 's/^/{AuditPrefix}/'; exit $rc";

    /// <summary>The shim that adds the mode (host path, test-host path), written once per test run.</summary>
    public static (string HostPath, string GuestPath) Shim(string mode)
    {
        string path = Path.Combine(Path.GetTempPath(), $"parkway-seccomp-shim-{Environment.ProcessId}-{mode}");
        File.WriteAllText(path,
            "#!/bin/sh\n" +
            "# Test-only (SeccompOverride): adds --seccomp " + mode + " to `parkway run` unless given.\n" +
            "if [ \"$1\" = run ]; then\n" +
            "  case \" $* \" in *\" --seccomp \"*) ;; *) shift; exec /usr/local/bin/parkway run --seccomp " + mode + " \"$@\" ;; esac\n" +
            "fi\n" +
            "exec /usr/local/bin/parkway \"$@\"\n");
        if (!OperatingSystem.IsWindows()) // the test host runs from Linux only; this keeps the analyzer content
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return (path, ShimGuestPath);
    }

    /// <summary>Appends the session's audit lines to PARKWAY_SECCOMP_AUDIT when it is set.</summary>
    public static void Record(string command, string output)
    {
        if (Environment.GetEnvironmentVariable("PARKWAY_SECCOMP_AUDIT") is not { Length: > 0 } file)
        {
            return;
        }

        string[] lines = [.. output.Split('\n').Where(static l => l.StartsWith(AuditPrefix, StringComparison.Ordinal))];
        string firstLine = command.Split('\n')[0];
        File.AppendAllText(file, $"# {Mode}: {firstLine} ({lines.Length} records)\n" + string.Concat(lines.Select(static l => l + "\n")));
    }

    private static string? ReadMode()
    {
        string? mode = Environment.GetEnvironmentVariable("PARKWAY_SECCOMP");
        return mode switch
        {
            null or "" => null,
            "on" or "log" or "off" => mode,
            _ => throw new InvalidOperationException($"PARKWAY_SECCOMP: expected on, log or off, got '{mode}'"),
        };
    }
}
