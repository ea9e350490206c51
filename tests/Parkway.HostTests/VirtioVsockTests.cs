namespace Parkway.HostTests;

/// <summary>
/// Builds the vsock helpers (static arm64: the guest's vsock-guest, packed into a cpio the scenario
/// appends to the guest initramfs; the test host's hybrid-connect and unix-echo) and runs
/// Scenarios/vsock.sh once for all <see cref="VirtioVsockTests"/>.
/// </summary>
public sealed class VsockScenarioFixture : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("parkway-vsock-").FullName;

    public VsockScenarioFixture()
    {
        ScenarioTools.AddVsockTools(_directory);
        Run = ScenarioRun.Start("vsock.sh", TimeSpan.FromMinutes(12), [(_directory, "/vsock")]);
    }

    /// <summary>The session's results.</summary>
    public ScenarioRun Run { get; }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>
/// virtio-vsock on real KVM with Debian's vsock drivers, reached from the test host through the
/// hybrid vsock protocol (<c>CONNECT &lt;port&gt;\n</c> on the VMM's Unix socket; guest connections to
/// host port P land on <c>PATH_P</c>), and the CLI's one-line refusals of unusable --vsock values.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class VirtioVsockTests : IClassFixture<VsockScenarioFixture>
{
    private const string Bytes = "1200000";
    private readonly ScenarioRun _run;

    public VirtioVsockTests(VsockScenarioFixture fixture) => _run = fixture.Run;

    [Fact]
    public void HostConnectsToAGuestPort_GetsOk_AndMoreThanAMebibyteEchoesBackUnchanged()
    {
        Assert.True(_run.ExitCode("vsock-host") == 0, _run.Host.ToString());
        IReadOnlyList<string> host = _run.Stdout("vsock-host");
        // Host-initiated streams take host-side ports from 2^30 up (the refused CONNECT before
        // this one already took one).
        string okPrefix = "vsock-host ok hostport=";
        Assert.True(uint.Parse(Line(host, okPrefix), System.Globalization.CultureInfo.InvariantCulture) >= 1u << 30, string.Join('\n', host));
        Dictionary<string, string> sent = Pairs(Line(host, "vsock-host sent "));
        Assert.Equal(Bytes, sent["sent"]);
        Assert.Equal(Bytes, sent["received"]);
        Assert.Equal("0", sent["mismatches"]);
        Assert.Equal(sent["sent-fnv"], sent["received-fnv"]);

        // The guest's listener saw exactly what the host sent.
        Dictionary<string, string> guest = Pairs(Line(_run.Stdout("vsock"), "PARKWAY-VSOCK guest-echo "));
        Assert.Equal(Bytes, guest["echoed"]);
        Assert.Equal(sent["sent-fnv"], guest["fnv"]);
    }

    [Fact]
    public void GuestConnectsToHostPort_ReachesPathUnderscorePort_AndMoreThanAMebibyteEchoesBackUnchanged()
    {
        Assert.True(_run.ExitCode("unix-echo") == 0, _run.Host.ToString());
        Dictionary<string, string> guest = Pairs(Line(_run.Stdout("vsock"), "PARKWAY-VSOCK guest-sent "));
        Assert.Equal(Bytes, guest["sent"]);
        Assert.Equal(Bytes, guest["received"]);
        Assert.Equal("0", guest["mismatches"]);
        Assert.Equal(guest["sent-fnv"], guest["received-fnv"]);

        Dictionary<string, string> echo = Pairs(Line(_run.Stdout("unix-echo"), "unix-echo "));
        Assert.Equal(Bytes, echo["echoed"]);
        Assert.Equal(guest["sent-fnv"], echo["fnv"]);
    }

    [Fact]
    public void GuestConnectToAHostPortNobodyServes_IsRefused()
    {
        Assert.Contains("PARKWAY-VSOCK connect port=5001 error=Connection reset by peer", _run.Stdout("vsock"));
    }

    [Fact]
    public void HostConnectToAPortNobodyListensOn_IsClosedWithoutOk_AndParkwayKeepsRunning()
    {
        Assert.True(_run.ExitCode("vsock-refused") == 3, _run.Host.ToString());
        Assert.Equal(["vsock-host refused"], _run.Stdout("vsock-refused"));
        Assert.Equal(0, _run.ExitCode("vsock-alive"));
        // ...and served the next connection (the echo test), and the guest powered off normally.
        Assert.Equal(0, _run.ExitCode("vsock"));
        Assert.Contains("PARKWAY-VSOCK done", _run.Stdout("vsock"));
    }

    [Fact]
    public void ALinuxGuestTriggersNoGuestErrorReport_AndTheSocketFileIsRemovedAtExit()
    {
        Assert.True(_run.ExitCode("vsock") == 0, _run.Host.ToString());
        Assert.DoesNotContain(_run.Stderr("vsock"), static l => l.Contains("guest error", StringComparison.Ordinal));
        Assert.Equal("SCENARIO vsock socket=removed", _run.Host.FirstLineStartingWith("SCENARIO vsock socket=")?.TrimEnd('\r'));
    }

    [Theory]
    [InlineData("bad-vsock-cid", "--vsock: cid 2 is reserved")]
    [InlineData("bad-vsock-cid-text", "--vsock: cid 'three' is not a decimal number")]
    [InlineData("bad-vsock-dir", "--vsock: the directory of /tmp/no-such-dir/x.sock does not exist")]
    [InlineData("bad-vsock-file", "--vsock: /tmp/vsock/a-file already exists")]
    public void UnusableVsockOption_OneParkwayLine_Exit2(string caseName, string expected)
    {
        Assert.Equal(2, _run.ExitCode(caseName));
        IReadOnlyList<string> stderr = _run.Stderr(caseName);
        Assert.True(stderr.Count == 1, string.Join('\n', stderr));
        Assert.StartsWith($"parkway: {expected}", stderr[0], StringComparison.Ordinal);
    }

    private string Line(IReadOnlyList<string> lines, string prefix)
    {
        string? line = lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{prefix}' line; host output:\n{_run.Host}");
        return line[prefix.Length..];
    }

    private static Dictionary<string, string> Pairs(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(static pair => pair.Split('=', 2))
            .ToDictionary(static kv => kv[0], static kv => kv.Length > 1 ? kv[1] : string.Empty);
}
