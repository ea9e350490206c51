using System.Text.Json;
using Xunit.Abstractions;

namespace Parkway.HostTests;

/// <summary>
/// Builds (or reuses) the Debian system guest and what Scenarios/debian.sh needs beside it (the tun
/// module and the tap helper), then runs the scenario once for all <see cref="DebianGuestTests"/>.
/// </summary>
public sealed class DebianScenarioFixture : IDisposable
{
    // The test host holds the 1 GiB disk image in RAM (its initramfs) beside a 1 GiB guest.
    private const int HostMemoryMegabytes = 4096;
    private readonly string _directory = Directory.CreateTempSubdirectory("parkway-debian-").FullName;

    public DebianScenarioFixture()
    {
        HostTool.Run("bash", Path.Combine(RepositoryRoot.Path, "scripts", "lib", "build-debian-rootfs.sh"));
        ScenarioTools.AddTapTools(_directory);
        // The image goes in as a copy (the test host's initramfs): the cached one stays pristine.
        Run = ScenarioRun.Start("debian.sh", TimeSpan.FromMinutes(22),
            [(Path.Combine(ScenarioTools.Cache, "debian"), "/debian"), (_directory, "/debian-net")], HostMemoryMegabytes);
    }

    /// <summary>The session's results.</summary>
    public ScenarioRun Run { get; }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>
/// A Debian 12 system as the guest: Debian's kernel and initramfs, systemd and udev on a virtio
/// disk, a tap NIC, the virtio console, ACPI, boot=1,max=4. Hot-plugged CPUs are onlined by
/// Debian's udev (the image's rule, not a project script), the guest reaches the host over the tap,
/// reboots itself (root's `systemctl reboot` on hvc0) in the same Parkway process with its plugged
/// set, and the ACPI power button shuts systemd down cleanly, leaving a clean file system.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class DebianGuestTests : IClassFixture<DebianScenarioFixture>
{
    private const string Case = "debian";
    private readonly ScenarioRun _run;
    private readonly ITestOutputHelper _output;

    public DebianGuestTests(DebianScenarioFixture fixture, ITestOutputHelper output)
    {
        _run = fixture.Run;
        _output = output;
    }

    [Fact]
    public void Systemd_ReachesMultiUser_RunningOrDegradedWithTheReason()
    {
        string? system = GuestLine("PARKWAY-GUEST system=");
        Assert.True(system is not null, _run.Host.ToString());
        // "degraded" is allowed, with the failed units the guest printed beside it.
        // The whole session, for the record (boot time, systemd-analyze, the guest's console).
        foreach (string line in _run.Host.LinesStartingWith("SCENARIO "))
        {
            _output.WriteLine(line);
        }
        Assert.True(system is "PARKWAY-GUEST system=running" || system.StartsWith("PARKWAY-GUEST system=degraded failed=", StringComparison.Ordinal),
            system);
    }

    [Fact]
    public void GuestCpus_BootWithOneOfFourPresent()
    {
        string line = GuestLine("PARKWAY-GUEST possible=") ?? throw new InvalidOperationException(_run.Host.ToString());
        Dictionary<string, string> cpus = line["PARKWAY-GUEST ".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(static pair => pair.Split('=', 2))
            .ToDictionary(static kv => kv[0], static kv => kv[1]);
        Assert.Equal("0-3", cpus["possible"]);
        Assert.Equal("0-3", cpus["present"]);
        Assert.Equal("0", cpus["online"]);
        Assert.Equal("0", cpus["enabled"]);
        Assert.Equal("1", cpus["nproc"]);
    }

    [Fact]
    public void DeviceAddOfTwo_DebiansUdevOnlinesThem_QueryCpusFastListsThree()
    {
        Assert.True(_run.Host.FirstLineStartingWith($"SCENARIO {Case} step plugged ok") is not null, _run.Host.ToString());
        Assert.Contains("PARKWAY-GUEST online=0-2 enabled=0-2 nproc=3", GuestLines());
        string json = _run.Host.ValueAfter($"SCENARIO {Case} cpus-fast ") ?? throw new InvalidOperationException(_run.Host.ToString());
        // `parkway qmp` prints the command's "return" value: here the array of plugged CPUs.
        using JsonDocument reply = JsonDocument.Parse(json);
        int[] indexes = [.. reply.RootElement.EnumerateArray().Select(static c => c.GetProperty("cpu-index").GetInt32()).Order()];
        Assert.Equal([0, 1, 2], indexes);
    }

    [Fact]
    public void DeviceDelOfOne_DeviceDeleted_GuestOnlineSetDropsIt()
    {
        Assert.True(_run.Host.FirstLineStartingWith($"SCENARIO {Case} step unplugged ok") is not null, _run.Host.ToString());
        Assert.Contains("PARKWAY-GUEST online=0-1 enabled=0-1 nproc=2", GuestLines());
        Assert.Contains(Events(), static e => e.Contains("\"DEVICE_DELETED\"", StringComparison.Ordinal) && e.Contains("\"cpu2\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Network_GuestPingsTheHostOverTheTap()
    {
        Assert.Equal("exit=0", _run.Host.ValueAfter($"SCENARIO {Case} step tap "));
        Assert.True(GuestLine("PARKWAY-GUEST ping ") == "PARKWAY-GUEST ping 169.254.20.1 ok", _run.Host.ToString());
    }

    [Fact]
    public void GuestReboot_SameProcessAndQmpClient_ResetEvent_PluggedSetOnlineAgain()
    {
        string steps = string.Join('\n', _run.Host.LinesStartingWith($"SCENARIO {Case} step "));
        Assert.True(_run.Host.FirstLineStartingWith($"SCENARIO {Case} step reboot-login ok") is not null, _run.Host.ToString());
        Assert.True(_run.Host.FirstLineStartingWith($"SCENARIO {Case} step rebooted ok") is not null, steps);
        // Same PID with the same start time: the very process that booted the guest the first time.
        Assert.StartsWith("same=yes ", _run.Host.ValueAfter($"SCENARIO {Case} step reboot-process "), StringComparison.Ordinal);
        // The listener's connection, opened before the plugs, saw the reset (QEMU's shape) on the same
        // connection, before the power-down's SHUTDOWN.
        List<string> events = Events();
        int reset = events.FindIndex(static e => e.Contains("\"RESET\"", StringComparison.Ordinal));
        Assert.True(reset >= 0, string.Join('\n', events));
        Assert.Contains("\"guest\":true", events[reset].Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("guest-reset", events[reset], StringComparison.Ordinal);
        Assert.True(events.FindIndex(static e => e.Contains("\"SHUTDOWN\"", StringComparison.Ordinal)) > reset, string.Join('\n', events));

        // The guest's second boot: its first line, and every line after, from Debian's own udev.
        List<string> lines = GuestLines();
        int[] boots = [.. lines.Select(static (l, i) => (l, i)).Where(static p => p.l.StartsWith("PARKWAY-GUEST possible=", StringComparison.Ordinal)).Select(static p => p.i)];
        Assert.True(boots.Length == 2, string.Join('\n', lines));
        List<string> second = [.. lines.Skip(boots[1]).Where(static l => l.StartsWith("PARKWAY-GUEST ", StringComparison.Ordinal))];
        Assert.StartsWith("PARKWAY-GUEST possible=0-3 present=0-3 ", second[0], StringComparison.Ordinal);
        Assert.Contains(second, static l => l.StartsWith("PARKWAY-GUEST system=", StringComparison.Ordinal));
        // The hot-plugged CPU 1 is online again; the unplugged CPU 2 never comes back.
        Assert.Contains(second, static l => l.Contains("online=0-1 enabled=0-1 nproc=2", StringComparison.Ordinal));
        Assert.DoesNotContain(second, static l => l.Contains("online=0-2", StringComparison.Ordinal) || l.Contains("enabled=0-2", StringComparison.Ordinal));
        string json = _run.Host.ValueAfter($"SCENARIO {Case} cpus-fast-after-reboot ") ?? throw new InvalidOperationException(steps);
        using JsonDocument reply = JsonDocument.Parse(json);
        int[] indexes = [.. reply.RootElement.EnumerateArray().Select(static c => c.GetProperty("cpu-index").GetInt32()).Order()];
        Assert.Equal([0, 1], indexes);
    }

    [Fact]
    public void SystemPowerdown_SystemdShutsDown_ShutdownEvent_ExitZero_DiskClean()
    {
        // After the reboot, logind watches the power button before the press, and the one press
        // powers the guest off (a timeout presses again only to collect what the guest saw).
        Assert.True(_run.Host.FirstLineStartingWith($"SCENARIO {Case} step button-watched ok") is not null, _run.Host.ToString());
        Assert.True(_run.Host.FirstLineStartingWith($"SCENARIO {Case} step powerdown timeout") is null, _run.Host.ToString());
        Assert.True(_run.ExitCode(Case) == 0, _run.Host.ToString());
        Assert.Contains(Events(), static e => e.Contains("\"SHUTDOWN\"", StringComparison.Ordinal));
        Assert.True(_run.ExitCode("fsck") == 0, string.Join('\n', _run.Host.LinesStartingWith("SCENARIO fsck ")));
    }

    private string? GuestLine(string prefix) => GuestLines().FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));

    // The guest's lines from where "PARKWAY-" starts: the getty on hvc0 shares the console, and its
    // "login: " prompt (no newline) can end up in front of the next line the guest prints.
    private List<string> GuestLines() =>
        [.. _run.Stdout(Case).Select(static l => l.IndexOf("PARKWAY-", StringComparison.Ordinal) is var at and > 0 ? l[at..] : l)];

    private List<string> Events() => [.. _run.Host.LinesStartingWith($"SCENARIO {Case} events: ")];
}
