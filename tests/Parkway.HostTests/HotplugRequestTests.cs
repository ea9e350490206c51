namespace Parkway.HostTests;

/// <summary>Runs Scenarios/hotplug-requests.sh once in the arm64 test host for all <see cref="HotplugRequestTests"/>.</summary>
public sealed class HotplugRequestsScenarioFixture
{
    /// <summary>The session's output.</summary>
    public Arm64HostResult Host { get; } = ScenarioRun.Start("hotplug-requests.sh", TimeSpan.FromMinutes(12)).Host;

    /// <summary>Lines "STEP &lt;name&gt; &lt;rest&gt;" of one step, without the prefix.</summary>
    public IReadOnlyList<string> Step(string name) =>
        [.. Host.LinesStartingWith($"STEP {name} ").Select(l => l[$"STEP {name} ".Length..].TrimEnd('\r'))];

    /// <summary>A "key=value" value from a step's lines.</summary>
    public string? Value(string name, string key) =>
        Step(name).SelectMany(static l => l.Split(' ')).FirstOrDefault(p => p.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];
}

/// <summary>
/// Hot-plug requests on a live Debian 6.12 guest over QMP on real arm64 KVM (issue 11): a plug
/// issued right after launch, before the guest's ACPI is up; the request shapes QEMU's own clients
/// send; an unplug that times out; an eject the guest refuses (its _OST), and the retry.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class HotplugRequestTests : IClassFixture<HotplugRequestsScenarioFixture>
{
    private readonly HotplugRequestsScenarioFixture _run;

    public HotplugRequestTests(HotplugRequestsScenarioFixture fixture) => _run = fixture;

    [Fact]
    public void DeviceAddRightAfterLaunch_CpuIsOnlineWhenTheGuestIsUp()
    {
        Assert.True(_run.Value("early", "exit") == "0", _run.Host.ToString());
        int afterMs = int.Parse(_run.Value("early", "after-ms")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(afterMs < 5000, $"the plug was sent {afterMs} ms after launch");
        Assert.Contains("ok", _run.Step("boot"));
        // The guest's very first CPU report, before its /init onlines anything itself.
        string first = Assert.Single(_run.Step("first-line"));
        Assert.Contains("online=0-1 enabled=0-1", first, StringComparison.Ordinal);
    }

    [Fact]
    public void QemusOwnRequestShape_NoClusterIdNoIdStringCoreId_IsPluggedAsDevice0()
    {
        Assert.Equal("0", _run.Value("qemu-style", "exit"));
        Assert.Contains(_run.Step("qemu-style"), static l => l.StartsWith("guest-ok", StringComparison.Ordinal));
        Assert.Contains(_run.Step("cpus-fast"), static l => l.Contains("/machine/peripheral-anon/device[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void UnplugWhileStopped_ShowsItsRequestTime_ThenTimesOutWithDeviceUnplugGuestError()
    {
        Assert.Equal("0", _run.Value("timeout-del", "exit"));
        string pending = string.Join('\n', _run.Step("pending"));
        Assert.Contains("\"unplug-pending\": true", pending, StringComparison.Ordinal);
        Assert.Contains("\"unplug-requested-at\": {", pending, StringComparison.Ordinal);
        Assert.Contains("\"seconds\": ", pending, StringComparison.Ordinal);
        Assert.Contains(_run.Step("timeout-del"), static l => l.StartsWith("event-ok", StringComparison.Ordinal));
        string after = string.Join('\n', _run.Step("after-timeout"));
        Assert.DoesNotContain("\"unplug-pending\": true", after, StringComparison.Ordinal);
        Assert.DoesNotContain("unplug-requested-at", after, StringComparison.Ordinal);
        Assert.Contains(_run.Step("events:"), static l => l.Contains("DEVICE_UNPLUG_GUEST_ERROR", StringComparison.Ordinal)
            && l.Contains("\"device\": \"early\"", StringComparison.Ordinal) && l.Contains("\"path\": \"/machine/peripheral/early\"", StringComparison.Ordinal)
            && l.Contains("\"timeout\"", StringComparison.Ordinal));
    }

    [Fact]
    public void GuestRefusesTheEject_DeviceUnplugGuestErrorAndTheRequestIsCleared_ThenTheRetryEjects()
    {
        Assert.Contains("PARKWAY-GUEST eject-disabled", string.Join('\n', _run.Step("refuse-setup")), StringComparison.Ordinal);
        Assert.Equal("0", _run.Value("refused-del", "exit"));
        Assert.Contains(_run.Step("refused-del"), static l => l.StartsWith("event-ok", StringComparison.Ordinal));
        Assert.Contains(_run.Step("refused-del"), static l => l.StartsWith("guest-ok", StringComparison.Ordinal));
        Assert.DoesNotContain("\"unplug-pending\": true", string.Join('\n', _run.Step("after-refusal")), StringComparison.Ordinal);
        Assert.Contains(_run.Step("events:"), static l => l.Contains("ACPI_DEVICE_OST", StringComparison.Ordinal)
            && l.Contains("\"source\": 3,", StringComparison.Ordinal) && l.Contains("\"status\": 128", StringComparison.Ordinal));

        Assert.Equal("0", _run.Value("retry-del", "exit"));
        Assert.Equal(2, _run.Step("retry-del").Count(static l => l.StartsWith("event-ok", StringComparison.Ordinal) || l.StartsWith("guest-ok", StringComparison.Ordinal)));
        Assert.Equal("4", _run.Value("retry-del", "vcpu-fds"));
        Assert.Equal("2", _run.Value("retry-del", "vcpu-threads"));
        Assert.Equal("0", _run.Value("exit", "code"));
    }
}
