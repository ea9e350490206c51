using System.Security.Cryptography;

namespace Parkway.HostTests;

/// <summary>
/// Prepares Scenarios/confinement.sh (the tun module, static arm64 helpers that create a tap owned
/// by a user and run a command as that user, a disk image, 2 MiB to send to the guest) and runs it
/// once, with the confined run in <c>--seccomp log</c> mode so that every call outside the
/// allow-lists shows up as an audit record instead of ending the run.
/// </summary>
public sealed class ConfinementScenarioFixture : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("parkway-confinement-").FullName;

    public ConfinementScenarioFixture()
    {
        ScenarioTools.AddTapTools(_directory);
        HostTool.CompileStaticArm64("runas.c", Path.Combine(_directory, "runas"));

        ToGuest = ScenarioTools.AddTransferFiles(_directory, seed: 10);
        Run = ScenarioRun.Start("confinement.sh", TimeSpan.FromMinutes(12), [(_directory, "/net")]);
    }

    /// <summary>What the host sends the guest.</summary>
    public byte[] ToGuest { get; }

    /// <summary>The session's results.</summary>
    public ScenarioRun Run { get; }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>
/// Parkway as an unprivileged user (uid 1000, group kvm, no supplementary groups, no capabilities)
/// with every thread under its seccomp filters: a whole boot with disk, NIC, rng, CPU plug and unplug
/// and an ACPI power-down, no audit record of a call outside the lists, and clear refusals when the
/// user lacks something.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class ConfinementTests : IClassFixture<ConfinementScenarioFixture>
{
    private const string Case = "confined";
    private readonly ScenarioRun _run;
    private readonly byte[] _toGuest;

    public ConfinementTests(ConfinementScenarioFixture fixture)
    {
        _run = fixture.Run;
        _toGuest = fixture.ToGuest;
    }

    [Fact]
    public void Unprivileged_run_boots_with_disk_nic_rng_and_hotplug_then_powers_off()
    {
        string identity = _run.Host.FirstLineStartingWith($"SCENARIO {Case} uid=") ?? throw new InvalidOperationException(_run.Host.ToString());
        Assert.Contains("uid=1000 gid=36 groups=0 caps=0000000000000000 ", identity, StringComparison.Ordinal);
        IReadOnlyList<string> guest = _run.Stdout(Case);
        Assert.True(guest.Any(static l => l.StartsWith("PARKWAY-DISK vda wrote sha256=", StringComparison.Ordinal)), _run.Host.ToString());
        Assert.True(guest.Contains("PARKWAY-NET ping=ok"), _run.Host.ToString());
        Assert.True(guest.Contains($"PARKWAY-NET received bytes={_toGuest.Length} sha256={Convert.ToHexStringLower(SHA256.HashData(_toGuest))}"), _run.Host.ToString());
        Assert.True(guest.Any(static l => l.StartsWith("PARKWAY-RNG current=virtio_rng.0 bytes=", StringComparison.Ordinal)), _run.Host.ToString());
        Assert.NotNull(_run.Host.FirstLineStartingWith($"SCENARIO {Case} plugged"));
        Assert.NotNull(_run.Host.FirstLineStartingWith($"SCENARIO {Case} unplugged"));
        Assert.True(_run.ExitCode(Case) == 0, _run.Host.ToString());
    }

    [Fact]
    public void Every_thread_is_filtered_and_vcpu_and_device_threads_carry_their_own_filter_too()
    {
        string identity = _run.Host.FirstLineStartingWith($"SCENARIO {Case} uid=") ?? throw new InvalidOperationException(_run.Host.ToString());
        Assert.Contains(" seccomp=2 ", identity, StringComparison.Ordinal); // SECCOMP_MODE_FILTER
        string prefix = $"SCENARIO {Case} thread ";
        var threads = _run.Host.LinesStartingWith(prefix)
            .Select(line => line[prefix.Length..])
            .Select(static rest => (Name: rest[..rest.LastIndexOf(" seccomp=", StringComparison.Ordinal)], Filters: rest[(rest.LastIndexOf('=') + 1)..]))
            .ToList();
        Assert.Contains(threads, static t => t.Name == "vcpu0");
        Assert.Contains(threads, static t => t.Name.StartsWith("virtio-", StringComparison.Ordinal));
        foreach ((string name, string filters) in threads)
        {
            // Parkway's own kinds: the process filter and their own. Any other thread: at least the
            // process filter (a thread-pool worker born on a vCPU thread also inherits the vCPU one).
            bool ownKind = name.StartsWith("vcpu", StringComparison.Ordinal) || name.StartsWith("virtio-", StringComparison.Ordinal);
            Assert.True(ownKind ? filters == "2" : filters is "1" or "2", $"thread {name} has {filters} filters\n{_run.Host}");
        }
    }

    [Fact]
    public void Log_mode_run_records_no_call_outside_the_allow_lists()
    {
        Assert.True(_run.Value(Case, "audit-records") == 0, string.Join('\n', _run.Host.LinesStartingWith($"SCENARIO {Case} audit: ")));
        // And none was dropped on its way to the kernel log (rate limit, audit backlog).
        Assert.True(_run.Value(Case, "audit-lost") == 0, _run.Host.ToString());
    }

    [Fact]
    public void Qmp_socket_is_the_users_alone()
    {
        string identity = _run.Host.FirstLineStartingWith($"SCENARIO {Case} uid=") ?? throw new InvalidOperationException(_run.Host.ToString());
        Assert.EndsWith(" socket=600:1000", identity, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-kvm", "parkway: permission denied opening /dev/kvm: this user needs read and write access to it")]
    [InlineData("no-socket-dir", "parkway: --qmp: ")]
    [InlineData("foreign-tap", "parkway: --net: cannot attach to tap 'pktap1': ")]
    public void Missing_permissions_are_one_line_and_exit_2(string caseName, string expected)
    {
        IReadOnlyList<string> stderr = _run.Stderr(caseName);
        Assert.True(_run.ExitCode(caseName) == 2 && stderr.Count == 1 && stderr[0].StartsWith(expected, StringComparison.Ordinal),
            $"exit {_run.ExitCode(caseName)}, stderr:\n{string.Join('\n', stderr)}");
    }
}
