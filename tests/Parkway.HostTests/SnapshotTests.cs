using System.Text.RegularExpressions;

namespace Parkway.HostTests;

/// <summary>
/// Prepares what Scenarios/snapshot.sh needs for the NIC and vsock (the tun module, the tap maker,
/// the vsock helpers) and runs it once in the arm64 test host for all <see cref="SnapshotTests"/>.
/// </summary>
public sealed class SnapshotScenarioFixture : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("parkway-snapshot-").FullName;

    public SnapshotScenarioFixture()
    {
        ScenarioTools.AddTapTools(_directory);
        ScenarioTools.AddVsockTools(_directory);
        Host = ScenarioRun.Start("snapshot.sh", TimeSpan.FromMinutes(24), [(_directory, "/snapdev")]).Host;
    }

    /// <summary>The session's output.</summary>
    public Arm64HostResult Host { get; }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Lines "STEP &lt;name&gt; &lt;rest&gt;" of one step, without the prefix.</summary>
    public IReadOnlyList<string> Step(string name) =>
        [.. Host.LinesStartingWith($"STEP {name} ").Select(l => l[$"STEP {name} ".Length..].TrimEnd('\r'))];

    /// <summary>A "key=value" value from a step's lines.</summary>
    public string? Value(string name, string key) =>
        Step(name).SelectMany(static l => l.Split(' ')).FirstOrDefault(p => p.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];

    /// <summary>The text of a step's lines.</summary>
    public string Text(string name) => string.Join('\n', Step(name));
}

/// <summary>
/// Snapshot and restore of a live Debian 6.12 guest on real arm64 KVM with a mixed plugged set
/// (slots on, on, parked, parked) and virtio devices (a disk, a NIC on a tap, vsock, the virtio
/// console as the guest's console both ways): the save carries every slot and device, the restore in a new process
/// rebuilds the same machine (same MPIDRs and GICR_TYPERs, threads only for plugged slots), the
/// guest carries on (it onlines a CPU plugged after the restore and ejects one plugged before the
/// save), a restored machine can be saved and restored again, and restores that would change the
/// machine or read a damaged file are refused.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed partial class SnapshotTests : IClassFixture<SnapshotScenarioFixture>
{
    private readonly SnapshotScenarioFixture _run;

    public SnapshotTests(SnapshotScenarioFixture fixture) => _run = fixture;

    [Fact]
    public void BeforeTheSave_TwoCpusOnline_TwoThreads_FourVcpus()
    {
        Assert.Contains("ok", _run.Step("boot"));
        Assert.Contains(_run.Step("unplugged"), static l => l.StartsWith("guest-ok", StringComparison.Ordinal));
        Assert.Equal("4", _run.Value("saved", "vcpu-fds"));
        Assert.Equal("2", _run.Value("saved", "vcpu-threads"));
    }

    [Fact]
    public void Snapshot_Completes_MachineLeftInPostmigrate_EventsInQemuOrder_FileIsSparse()
    {
        Assert.Equal("0", _run.Value("snapshot", "exit"));
        Assert.Contains("\"status\": \"postmigrate\"", _run.Text("status-after-save"), StringComparison.Ordinal);
        Assert.Equal("0", _run.Value("first-exit", "code"));
        string events = _run.Text("events:");
        int setup = events.IndexOf("\"status\": \"setup\"", StringComparison.Ordinal);
        int active = events.IndexOf("\"status\": \"active\"", StringComparison.Ordinal);
        int completed = events.IndexOf("\"status\": \"completed\"", StringComparison.Ordinal);
        Assert.True(setup >= 0 && setup < active && active < completed, events);
        long apparent = long.Parse(_run.Value("size", "apparent")!, System.Globalization.CultureInfo.InvariantCulture);
        long allocated = long.Parse(_run.Value("size", "allocated")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(apparent > 512L << 20, $"apparent size {apparent}");
        Assert.True(allocated < apparent / 2, $"allocated {allocated} of {apparent}: zero pages were written");
    }

    [Fact]
    public void Restore_SameMpidrsAndGicrTypersForEverySlot_ThreadsOnlyForPluggedSlots()
    {
        string[] saved = Identities("vmm-stderr:");
        string[] restored = Identities("vmm2-stderr:");
        Assert.Equal(4, saved.Length);
        // The second process logs its slots at the restore and again at its own save.
        Assert.Equal(8, restored.Length);
        Assert.Equal(saved, restored[..4]);
        Assert.Equal(saved, restored[4..]);
        Assert.Equal("4", _run.Value("restored", "vcpu-fds"));
        Assert.Equal("2", _run.Value("restored", "vcpu-threads"));
        Assert.Equal(PowerStates("powerstate-saved"), PowerStates("powerstate-restored"));
        Assert.Contains("\"status\": \"running\"", _run.Text("status-restored"), StringComparison.Ordinal);
    }

    [Fact]
    public void RestoredGuest_OnlinesANewCpu_SavedAndRestoredAgain_EjectsAnOldOne_PowersOff()
    {
        Assert.Equal("0", _run.Value("plug3", "exit"));
        Assert.Contains(_run.Step("plug3"), static l => l.StartsWith("guest-ok", StringComparison.Ordinal));
        Assert.Equal("3", _run.Value("plug3", "vcpu-threads"));

        // Twice in a row: the restored machine is saved and restored again, with its new CPU.
        Assert.Equal("0", _run.Value("snapshot2", "exit"));
        Assert.Equal("0", _run.Value("second-exit", "code"));
        Assert.Equal(Identities("vmm-stderr:"), Identities("vmm3-stderr:")[..4]);
        Assert.Equal("4", _run.Value("restored2", "vcpu-fds"));
        Assert.Equal("3", _run.Value("restored2", "vcpu-threads"));
        Assert.Equal(3, PowerStates("powerstate-restored2").Count(static s => s.Contains("\"enabled\"", StringComparison.Ordinal)));

        Assert.Equal("0", _run.Value("unplug1", "exit"));
        Assert.Contains(_run.Step("unplug1"), static l => l.StartsWith("guest-ok", StringComparison.Ordinal));
        Assert.Contains(_run.Step("events3:"), static l => l.Contains("DEVICE_DELETED", StringComparison.Ordinal) && l.Contains("\"cpu1\"", StringComparison.Ordinal));
        Assert.Equal("2", _run.Value("unplug1", "vcpu-threads"));
        Assert.Equal("0", _run.Value("third-exit", "code"));
        // The guest continued rather than booted again: the restored processes never saw it start.
        Assert.DoesNotContain(_run.Step("guest2:"), static l => l.Contains("PARKWAY-GUEST ready", StringComparison.Ordinal));
        Assert.DoesNotContain(_run.Step("guest3:"), static l => l.Contains("PARKWAY-GUEST ready", StringComparison.Ordinal));
    }

    [Fact]
    public void VirtioDiskAndConsole_KeepWorkingAcrossTwoRestores_DataWrittenBeforeTheSaveIsStillThere()
    {
        // Written (fsync) at 1 MiB by the guest at boot, before any save.
        string bootWrite = GuestValue("guest:", "PARKWAY-DISK vda wrote", "sha256");
        // Each process: a command typed into its stdin reached the guest through the virtio console
        // (input), the guest read 1 MiB back through the device (O_DIRECT) and answered on the
        // console (output).
        Assert.Equal(bootWrite, GuestValue("guest:", "PARKWAY-DISKLOOP 1 read1m", "sha256"));
        Assert.Equal(bootWrite, GuestValue("guest2:", "PARKWAY-DISKLOOP 2 read1m", "sha256"));
        Assert.Equal(bootWrite, GuestValue("guest3:", "PARKWAY-DISKLOOP 3 read1m", "sha256"));
        Assert.Contains(_run.Step("disk2"), static l => l.StartsWith("guest-ok", StringComparison.Ordinal));
        Assert.Contains(_run.Step("disk3"), static l => l.StartsWith("guest-ok", StringComparison.Ordinal));
        // The image the host holds afterwards has the boot write and the last restored guest's write.
        Assert.Equal(bootWrite, _run.Value("image", "at1m"));
        Assert.Equal(GuestValue("guest3:", "PARKWAY-DISKLOOP 3 wrote2m", "sha256"), _run.Value("image", "at2m"));
        Assert.NotEqual(GuestValue("guest:", "PARKWAY-DISKLOOP 1 wrote2m", "sha256"), _run.Value("image", "at2m"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NicAndVsock_WorkInEveryProcess_BeforeTheSaveAndAfterEachRestore(int round)
    {
        Assert.Equal("0", _run.Value("tap", "exit"));
        // The guest pings the tap's address over virtio-net.
        Assert.Equal("ok", GuestValue($"net{round}", $"guest: PARKWAY-NETLOOP {round}", "ping"));

        // Guest -> host: host port 5000 reaches unix-echo at <socket>_5000; 300 000 bytes come back unchanged.
        Assert.Contains(_run.Step($"vsock-out{round}"), static l => l.StartsWith("guest-ok", StringComparison.Ordinal));
        Assert.Equal("0", _run.Value($"vsock-out{round}", "echo-exit"));
        Assert.Equal("300000", GuestValue($"vsock-out{round}", "guest: PARKWAY-VSOCK guest-sent", "received"));
        Assert.Equal("0", GuestValue($"vsock-out{round}", "guest: PARKWAY-VSOCK guest-sent", "mismatches"));
        Assert.Equal(
            GuestValue($"vsock-out{round}", "guest: PARKWAY-VSOCK guest-sent", "sent-fnv"),
            GuestValue($"vsock-out{round}", "host: unix-echo", "fnv"));

        // Host -> guest: CONNECT 1234 on the VMM's socket, 300 000 bytes echoed by the guest.
        Assert.Equal("0", _run.Value($"vsock-in{round}", "exit"));
        Assert.Equal("300000", GuestValue($"vsock-in{round}", "host: vsock-host sent", "received"));
        Assert.Equal("0", GuestValue($"vsock-in{round}", "host: vsock-host sent", "mismatches"));
    }

    [Theory]
    [InlineData("refused-no-devices", "the snapshot's virtio devices are [Block, Net, Console, Vsock], the command line gives [none]")]
    [InlineData("refused-disk-size", "has 32768 sectors, the saved disk (/tmp/snapdisk.img) 16384")]
    [InlineData("refused-mac", "has MAC 52:54:00:12:34:99, the saved NIC 52:54:00:12:34:56")]
    [InlineData("refused-cid", "vsock has guest CID 4, the saved one 3")]
    [InlineData("refused-max", "differs from the snapshot")]
    [InlineData("refused-damaged", "corrupt snapshot")]
    [InlineData("refused-truncated", "truncated snapshot")]
    public void BadRestore_OneLine_Exit2(string name, string text)
    {
        string? line = _run.Host.FirstLineStartingWith($"SCENARIO {name} exit=");
        Assert.Equal($"SCENARIO {name} exit=2", line?.TrimEnd('\r'));
        List<string> stderr = [.. _run.Host.LinesStartingWith($"SCENARIO {name} stderr: ")];
        Assert.Single(stderr);
        Assert.Contains(text, stderr[0], StringComparison.Ordinal);
    }

    /// <summary>A key=value of the first guest line (in a guest output step) starting with <paramref name="prefix"/>.</summary>
    private string GuestValue(string step, string prefix, string key)
    {
        string? line = _run.Step(step).FirstOrDefault(l => l.StartsWith(prefix + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{prefix}' line in {step}\n{_run.Text(step)}");
        string? value = line.Split(' ').FirstOrDefault(p => p.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];
        Assert.False(string.IsNullOrEmpty(value), line);
        return value;
    }

    private string[] Identities(string step) =>
        [.. _run.Step(step).Select(static l => IdentityLine().Match(l)).Where(static m => m.Success).Select(static m => m.Value)];

    private string[] PowerStates(string step) =>
        [.. PowerStateLine().Matches(_run.Text(step)).Select(static m => m.Value)];

    [GeneratedRegex(@"snapshot slot \d+: MPIDR 0x[0-9a-f]+ GICR_TYPER 0x[0-9a-f]+")]
    private static partial Regex IdentityLine();

    [GeneratedRegex(@"""(admin-state|oper-state)"": ""[a-z]+""")]
    private static partial Regex PowerStateLine();
}
