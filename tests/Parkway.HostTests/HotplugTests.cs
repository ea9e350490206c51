namespace Parkway.HostTests;

/// <summary>Runs Scenarios/hotplug.sh once in the arm64 test host for all <see cref="HotplugTests"/>.</summary>
public sealed class HotplugScenarioFixture
{
    /// <summary>The session's output.</summary>
    public Arm64HostResult Host { get; } = ScenarioRun.Start("hotplug.sh", TimeSpan.FromMinutes(12)).Host;

    /// <summary>Lines "STEP &lt;name&gt; &lt;rest&gt;" of one step, without the prefix.</summary>
    public IReadOnlyList<string> Step(string name) =>
        [.. Host.LinesStartingWith($"STEP {name} ").Select(l => l[$"STEP {name} ".Length..].TrimEnd('\r'))];

    /// <summary>A "key=value" value from a step's lines.</summary>
    public string? Value(string name, string key) =>
        Step(name).SelectMany(static l => l.Split(' ')).FirstOrDefault(p => p.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];
}

/// <summary>
/// Hot-plug and hot-unplug of a live Debian 6.12 guest over QMP on real arm64 KVM (boot=1,max=4,
/// ACPI): plugged CPUs come online in the guest, unplugged ones are ejected and their vCPUs parked,
/// a re-plug reuses the parked vCPU, bad requests get QEMU's errors, and throughout KVM holds
/// exactly max vCPUs while only plugged CPUs have threads.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class HotplugTests : IClassFixture<HotplugScenarioFixture>
{
    private readonly HotplugScenarioFixture _run;

    public HotplugTests(HotplugScenarioFixture fixture) => _run = fixture;

    [Fact]
    public void Guest_BootsWithOneCpu_QmpSocketIsPrivate()
    {
        Assert.Contains("ok", _run.Step("boot"));
        Assert.Equal("srw-------", _run.Value("socket", "mode"));
        AssertCounts("boot", threads: 1);
    }

    [Fact]
    public void ThreeDeviceAdds_GuestOnlinesCpus0To3_FourThreads()
    {
        foreach (string step in (string[])["plug1", "plug2", "plug3"])
        {
            Assert.Equal("0", _run.Value(step, "exit"));
        }

        AssertGuestSaw("plug3");
        AssertCounts("plug3", threads: 4);
        string powerstate = string.Join('\n', _run.Step("powerstate-plugged"));
        Assert.Equal(4, Count(powerstate, "\"admin-state\": \"enabled\""));
        Assert.Equal(4, Count(powerstate, "\"oper-state\": \"on\""));
    }

    [Fact]
    public void DeviceDel_DeviceDeletedArrives_GuestDropsTheCpu_ThreadGoneVcpuKept()
    {
        Assert.Equal("0", _run.Value("unplug2", "exit"));
        Assert.Contains(_run.Step("unplug2"), static l => l.StartsWith("event-ok", StringComparison.Ordinal));
        AssertGuestSaw("unplug2");
        AssertCounts("unplug2", threads: 3);
    }

    [Fact]
    public void ReplugWhileStopped_TakesEffectOnCont_ReusesTheParkedVcpuWithTheSameMpidr()
    {
        Assert.Equal("0", _run.Value("stop", "exit"));
        Assert.Equal("0", _run.Value("replug2", "exit"));
        Assert.Contains(_run.Step("paused"), static l => l.Contains("\"status\": \"paused\"", StringComparison.Ordinal));
        Assert.Equal("0", _run.Value("cont", "exit"));
        AssertGuestSaw("replug2");
        AssertCounts("replug2", threads: 4);
        // Both plugs of slot 2 name the same MPIDR; the fd count above proves no new vCPU was made.
        List<string> plugs = [.. _run.Step("vmm-stderr:").Where(static l => l.Contains("CPU 2 (MPIDR", StringComparison.Ordinal) && l.Contains("plugged", StringComparison.Ordinal))];
        Assert.Equal(2, plugs.Count);
        Assert.All(plugs, static l => Assert.Contains("MPIDR 0x80000002", l, StringComparison.Ordinal));
    }

    [Fact]
    public void DeviceSetDisableThenEnable_UnplugsAndReplugs()
    {
        Assert.Equal("0", _run.Value("disable3", "exit"));
        AssertGuestSaw("disable3");
        string powerstate = string.Join('\n', _run.Step("powerstate-disabled"));
        Assert.Equal(1, Count(powerstate, "\"admin-state\": \"disabled\""));
        Assert.Equal("0", _run.Value("enable3", "exit"));
        AssertGuestSaw("enable3");
        AssertCounts("enable3", threads: 4);
    }

    [Theory]
    [InlineData("err-occupied", "GenericError: CPU[1] with MPIDR 0x80000001 exists")]
    [InlineData("err-driver", "GenericError: 'cortex-a57-arm-cpu' is not a valid device model name")]
    [InlineData("err-missing", "GenericError: CPU socket-id is not set")]
    [InlineData("err-range", "GenericError: Invalid CPU core-id: 9 must be in range 0:3")]
    [InlineData("err-type", "GenericError: Invalid parameter type for 'core-id', expected: integer")]
    [InlineData("err-duplicate", "GenericError: Duplicate device ID 'cpu1'")]
    [InlineData("err-boot", "GenericError: Boot CPU(id0=0:0:0:0) hot-unplug not supported")]
    [InlineData("err-unknown", "DeviceNotFound: Device 'nosuch' not found")]
    public void BadRequests_GetQemusErrorClassAndText(string step, string expected)
    {
        Assert.Equal("1", _run.Value(step, "exit"));
        Assert.Contains($"stderr: parkway: qmp: {expected}", _run.Step(step));
    }

    [Fact]
    public void MalformedJson_GetsAGenericError_AndTheVmmKeepsServing()
    {
        Assert.Contains(_run.Step("err-malformed"), static l => l.Contains("GenericError", StringComparison.Ordinal));
        Assert.Equal("0", _run.Value("after-errors", "exit"));
        Assert.Contains(_run.Step("after-errors"), static l => l.Contains("\"running\": true", StringComparison.Ordinal));
        AssertCounts("after-errors", threads: 4);
    }

    [Fact]
    public void GuestReportsItsHotplugProcessing_AsAcpiDeviceOstEvents()
    {
        // Linux evaluates _OST after handling a device check (source 1) and an eject request (3).
        List<string> ost = [.. _run.Step("events:").Where(static l => l.Contains("\"ACPI_DEVICE_OST\"", StringComparison.Ordinal))];
        Assert.Contains(ost, static l => l.Contains("\"slot-type\": \"CPU\"", StringComparison.Ordinal) && l.Contains("\"source\": 1,", StringComparison.Ordinal));
        Assert.Contains(ost, static l => l.Contains("\"device\": \"cpu2\"", StringComparison.Ordinal) && l.Contains("\"source\": 3,", StringComparison.Ordinal));
    }

    [Fact]
    public void SystemPowerdown_GuestPowersOff_ShutdownEvent_ParkwayExitsZero()
    {
        Assert.Equal("0", _run.Value("powerdown", "exit"));
        Assert.Equal("0", _run.Value("exit", "code"));
        List<string> events = [.. _run.Step("events:")];
        Assert.Contains(events, static l => l.Contains("\"POWERDOWN\"", StringComparison.Ordinal));
        Assert.Contains(events, static l => l.Contains("\"SHUTDOWN\"", StringComparison.Ordinal)
            && l.Contains("\"guest\": true", StringComparison.Ordinal) && l.Contains("guest-shutdown", StringComparison.Ordinal));
    }

    private void AssertGuestSaw(string step) =>
        Assert.True(_run.Step(step).Any(static l => l.StartsWith("guest-ok", StringComparison.Ordinal)),
            $"step {step}: the guest did not report the expected CPUs:\n{string.Join('\n', _run.Step(step))}\n{_run.Host}");

    private void AssertCounts(string step, int threads)
    {
        Assert.Equal("4", _run.Value(step, "vcpu-fds"));
        Assert.Equal(threads.ToString(System.Globalization.CultureInfo.InvariantCulture), _run.Value(step, "vcpu-threads"));
    }

    private static int Count(string text, string value) =>
        text.Split(value).Length - 1;
}
