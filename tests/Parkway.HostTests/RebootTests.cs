using System.Globalization;

namespace Parkway.HostTests;

/// <summary>Runs Scenarios/reboot.sh once in the arm64 test host for all <see cref="RebootTests"/>.</summary>
public sealed class RebootScenarioFixture
{
    /// <summary>The session's output.</summary>
    public Arm64HostResult Host { get; } = ScenarioRun.Start("reboot.sh", TimeSpan.FromMinutes(30)).Host;

    /// <summary>Lines "STEP &lt;name&gt; &lt;rest&gt;" of one step, without the prefix.</summary>
    public IReadOnlyList<string> Step(string name) =>
        [.. Host.LinesStartingWith($"STEP {name} ").Select(l => l[$"STEP {name} ".Length..].TrimEnd('\r'))];

    /// <summary>A "key=value" value from a step's lines.</summary>
    public string? Value(string name, string key) =>
        Step(name).SelectMany(static l => l.Split(' ')).FirstOrDefault(p => p.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];
}

/// <summary>
/// Guest reboot on real arm64 KVM with the busybox guest: the guest's own PSCI SYSTEM_RESET and QMP
/// system_reset reset the machine in the same Parkway process (same PID, the same QMP connection
/// sees RESET), the plugged set survives (a hot-plugged CPU is online again, an unplugged one stays
/// parked), FDT boots reboot too, and <c>--on-reset exit</c> keeps the old behaviour. Also what a
/// distribution expects of the machine: the PL031 gives the date, the PMU is there, stolen time.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class RebootTests : IClassFixture<RebootScenarioFixture>
{
    private readonly RebootScenarioFixture _run;

    public RebootTests(RebootScenarioFixture fixture) => _run = fixture;

    [Fact]
    public void Acpi_GuestReboot_SameProcessAndQmpConnection_ResetEvent_PluggedSetKept()
    {
        AssertGuestSaw("plugged");
        AssertGuestSaw("unplugged");
        Assert.Equal("4", _run.Value("before-reboot", "vcpu-fds"));
        Assert.Equal("3", _run.Value("before-reboot", "vcpu-threads"));

        AssertGuestSaw("guest-rebooting");
        Assert.Contains(_run.Step("guest-reset"), static l => l.StartsWith("event-ok", StringComparison.Ordinal));
        AssertGuestSaw("reboot-ready");
        AssertGuestSaw("reboot-online");
        // The second boot's own first line: CPUs 0-1 boot, 2 (plugged before) enabled, 3 parked.
        string cpus = string.Join('\n', _run.Step("reboot-cpus"));
        Assert.Contains("possible=0-3", cpus, StringComparison.Ordinal);

        Assert.Equal(_run.Value("before-reboot", "pid"), _run.Value("after-reboot", "pid"));
        Assert.Equal("yes", _run.Value("after-reboot", "alive"));
        Assert.Equal("4", _run.Value("after-reboot", "vcpu-fds"));
        Assert.Equal("3", _run.Value("after-reboot", "vcpu-threads"));
        string fast = string.Join('\n', _run.Step("cpus-after-reboot"));
        Assert.Equal(3, fast.Split("\"cpu-index\"").Length - 1);

        // Two guest reboots on this VM: this one and the one after the power button's last press.
        string[] resets = [.. _run.Step("events:").Where(static l => l.Contains("\"RESET\"", StringComparison.Ordinal) && l.Contains("guest-reset", StringComparison.Ordinal))];
        Assert.Equal(2, resets.Length);
        Assert.All(resets, static r => Assert.Contains("\"guest\": true", r, StringComparison.Ordinal));
    }

    /// <summary>
    /// The power button works after resets: the GED's interrupt, already taken by the guest before
    /// (its first press rebooted it), reaches the guest again after a guest reboot and a
    /// system_reset, once the third boot's /init has armed its button reader.
    /// </summary>
    [Fact]
    public void Acpi_PowerButtonAfterAGuestRebootAndASystemReset_ReachesTheGuest()
    {
        AssertGuestSaw("button-after-resets");
        AssertGuestSaw("third-rebooting");
        AssertGuestSaw("third-boot-online");
        Assert.Equal("yes", _run.Value("after-third-boot", "alive"));
        Assert.Equal(_run.Value("before-reboot", "pid"), _run.Value("after-third-boot", "pid"));
        Assert.Equal("3", _run.Value("after-third-boot", "vcpu-threads"));
        Assert.Equal(2, _run.Step("events:").Count(static l => l.Contains("\"POWERDOWN\"", StringComparison.Ordinal)));
    }

    /// <summary>
    /// After the guest rebooted itself (with a CPU plugged), system_powerdown powers it off:
    /// POWERDOWN, the guest's own SHUTDOWN, exit 0, two boots. FDT guests have no power button
    /// (system_powerdown is refused without ACPI), so this is ACPI only.
    /// </summary>
    [Fact]
    public void Acpi_SystemPowerdownAfterAGuestReboot_GuestPowersOff_ShutdownExitZero()
    {
        Assert.Contains("ok", _run.Step("pd-boot"));
        AssertGuestSaw("pd-plugged");
        AssertGuestSaw("pd-rebooting");
        Assert.Contains(_run.Step("pd-reset"), static l => l.StartsWith("event-ok", StringComparison.Ordinal));
        AssertGuestSaw("pd-second-boot");
        AssertGuestSaw("pd-button");
        Assert.Equal("0", _run.Value("pd-exit", "code"));
        Assert.Equal("2", _run.Value("pd-exit", "boots"));
        Assert.Equal("1", _run.Value("pd-exit", "rebooting"));
        IReadOnlyList<string> events = _run.Step("pd-events:");
        int reset = events.ToList().FindIndex(static l => l.Contains("\"RESET\"", StringComparison.Ordinal) && l.Contains("guest-reset", StringComparison.Ordinal));
        int powerdown = events.ToList().FindIndex(static l => l.Contains("\"POWERDOWN\"", StringComparison.Ordinal));
        int shutdown = events.ToList().FindIndex(static l => l.Contains("\"SHUTDOWN\"", StringComparison.Ordinal) && l.Contains("guest-shutdown", StringComparison.Ordinal));
        Assert.True(reset >= 0 && powerdown > reset && shutdown > powerdown, string.Join('\n', events));
    }

    [Fact]
    public void Acpi_QmpSystemReset_ResetEventFromTheHost_GuestBootsAgain_QuitExitsZero()
    {
        Assert.Contains(_run.Step("host-reset"), static l => l.StartsWith("event-ok", StringComparison.Ordinal));
        AssertGuestSaw("host-reset-online");
        Assert.Equal(_run.Value("before-reboot", "pid"), _run.Value("after-system-reset", "pid"));
        Assert.Equal("3", _run.Value("after-system-reset", "vcpu-threads"));
        string reset = Assert.Single(_run.Step("events:"), static l => l.Contains("\"RESET\"", StringComparison.Ordinal) && l.Contains("host-qmp-system-reset", StringComparison.Ordinal));
        Assert.Contains("\"guest\": false", reset, StringComparison.Ordinal);
        Assert.Equal("0", _run.Value("acpi-exit", "code"));
        Assert.Equal("yes", _run.Value("acpi-exit", "same-pid"));
    }

    [Fact]
    public void Fdt_GuestRebootsItself_BootsAgainInTheSameProcess()
    {
        Assert.Contains("ok", _run.Step("fdt-boot"));
        AssertGuestSaw("fdt-rebooting");
        AssertGuestSaw("fdt-second-boot");
        Assert.Equal("yes", _run.Value("fdt-after-reboot", "alive"));
        Assert.Equal("2", _run.Value("fdt-after-reboot", "vcpu-fds"));
        Assert.Equal("0", _run.Value("fdt-exit", "code"));
        Assert.True(int.Parse(_run.Value("fdt-exit", "boots")!, CultureInfo.InvariantCulture) >= 2, _run.Host.ToString());
    }

    [Fact]
    public void OnResetExit_GuestRebootEndsParkway_ExitZero_ShutdownGuestReset()
    {
        Assert.Equal("0", _run.Value("exit-exit", "code"));
        Assert.Equal("1", _run.Value("exit-exit", "boots"));
        Assert.Contains(_run.Step("exit-events:"), static l => l.Contains("\"SHUTDOWN\"", StringComparison.Ordinal)
            && l.Contains("\"guest\": true", StringComparison.Ordinal) && l.Contains("guest-reset", StringComparison.Ordinal));
        Assert.DoesNotContain(_run.Step("exit-events:"), static l => l.Contains("\"RESET\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("fdt-date")]
    public void GuestDate_ComesFromThePl031_WithinSecondsOfTheHost(string step)
    {
        long host = long.Parse(_run.Value(step, "host-epoch")!, CultureInfo.InvariantCulture);
        long guest = long.Parse(_run.Value(step, "epoch")!, CultureInfo.InvariantCulture);
        Assert.Equal("rtc-pl031", _run.Value(step, "rtc"));
        // The host's date is read a moment after the guest printed its own (polling, a slow TCG host).
        Assert.InRange(host - guest, -2, 10);
    }

    /// <summary>
    /// Under ACPI the date comes through Parkway's EFI runtime services: the kernel registers
    /// rtc-efi as rtc0 (its ACPI AMBA binding has no PL031) and sets the system clock from the
    /// GetTime that reads the PL031 — at the first boot and again after the in-process reboot
    /// (the runtime services are written anew with the rest of the boot payload).
    /// </summary>
    [Theory]
    [InlineData("acpi-date")]
    [InlineData("reboot-date")]
    public void Acpi_GuestDate_ComesFromEfiGetTime_FromBoot(string step)
    {
        long host = long.Parse(_run.Value(step, "host-epoch")!, CultureInfo.InvariantCulture);
        long guest = long.Parse(_run.Value(step, "epoch")!, CultureInfo.InvariantCulture);
        Assert.Equal("rtc-efi", _run.Value(step, "rtc"));
        string[] kernel = [.. _run.Step(step).Where(static l => l.StartsWith("PARKWAY-RTC ", StringComparison.Ordinal))];
        Assert.Contains(kernel, static l => l.Contains("rtc-efi rtc-efi.0: registered as rtc0", StringComparison.Ordinal));
        string set = Assert.Single(kernel, static l => l.Contains("rtc-efi rtc-efi.0: setting system clock to ", StringComparison.Ordinal));
        // "... setting system clock to 2026-11-30T19:10:00 UTC (1796065800)": the epoch GetTime gave.
        long fromRtc = long.Parse(set[(set.LastIndexOf('(') + 1)..set.LastIndexOf(')')], CultureInfo.InvariantCulture);
        Assert.InRange(host - fromRtc, 0, 120);   // read at boot; the host's date a (slow TCG) boot later
        Assert.InRange(host - guest, -2, 30);     // printed once booted; the host's date read just after
    }

    [Theory]
    [InlineData("acpi-date")]
    [InlineData("reboot-date")]
    [InlineData("fdt-date")]
    public void Pmu_IsThere_AndAcpiNamesItsInterrupt(string step)
    {
        string? devices = _run.Value(step, "devices");
        Assert.NotNull(devices);
        Assert.StartsWith("armv8", devices, StringComparison.Ordinal);
        Assert.Equal("0", _run.Value(step, "acpi-irq-missing"));
    }

    [Fact]
    public void StolenTime_ReportedByTheGuestKernel_WhenTheHostKvmHasIt()
    {
        bool hostHasIt = !_run.Step("acpi-vmm-stderr:").Any(static l => l.Contains("stolen time not offered", StringComparison.Ordinal));
        string steal = string.Join('\n', _run.Step("acpi-date").Where(static l => l.StartsWith("PARKWAY-STEAL", StringComparison.Ordinal)));
        if (hostHasIt)
        {
            Assert.Contains("using stolen time PV", steal, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("PARKWAY-STEAL none", steal, StringComparison.Ordinal);
        }
    }

    private void AssertGuestSaw(string step) =>
        Assert.True(_run.Step(step).Any(static l => l.StartsWith("guest-ok", StringComparison.Ordinal)),
            $"step {step}: the guest did not report what was expected:\n{string.Join('\n', _run.Step(step))}\n{_run.Host}");
}
