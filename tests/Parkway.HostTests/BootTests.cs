using System.Globalization;

namespace Parkway.HostTests;

/// <summary>Runs Scenarios/boot.sh once in the arm64 test host for all <see cref="BootTests"/>.</summary>
public sealed class BootScenarioFixture
{
    /// <summary>The session's results.</summary>
    public ScenarioRun Run { get; } = ScenarioRun.Start("boot.sh", TimeSpan.FromMinutes(8));
}

/// <summary>
/// Parkway on real arm64 KVM: every possible vCPU is created at start, only the plugged ones get a
/// thread, each slot's MPIDR and redistributor are bound at build time, and the guest boots and
/// powers off cleanly.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class BootTests : IClassFixture<BootScenarioFixture>
{
    private readonly ScenarioRun _run;

    public BootTests(BootScenarioFixture fixture) => _run = fixture.Run;

    [Fact]
    public void Boot2Max8_GuestSeesTwoOnlineCpus_HostHoldsEightVcpusAndTwoThreads_ExitsZero()
    {
        Assert.Equal(0, _run.ExitCode("boot2-max8"));
        IReadOnlyDictionary<string, string> guest = _run.GuestCpus("boot2-max8");
        Assert.Equal("0-1", guest["online"]);
        Assert.Equal("0-1", guest["possible"]);
        Assert.Equal(8, _run.Value("boot2-max8", "vcpu-fds"));
        Assert.Equal(2, _run.Value("boot2-max8", "vcpu-threads"));
    }

    [Fact]
    public void Boot1Max1_BootsOneCpu_ExitsZero()
    {
        Assert.Equal(0, _run.ExitCode("boot1-max1"));
        Assert.Equal("0", _run.GuestCpus("boot1-max1")["online"]);
        Assert.Equal(1, _run.Value("boot1-max1", "vcpu-fds"));
        Assert.Equal(1, _run.Value("boot1-max1", "vcpu-threads"));
    }

    [Fact]
    public void Boot4Max64_WithTopology_BootsFourCpus_Holds64VcpusAndFourThreads()
    {
        Assert.Equal(0, _run.ExitCode("boot4-max64"));
        Assert.Equal("0-3", _run.GuestCpus("boot4-max64")["online"]);
        Assert.Equal(64, _run.Value("boot4-max64", "vcpu-fds"));
        Assert.Equal(4, _run.Value("boot4-max64", "vcpu-threads"));
    }

    [Fact]
    public void CheckHost_ReadsEveryGicrTyper_AffinityAndProcessorNumberMatchTheSlot_LastOnlyOnTheFinalOne()
    {
        Assert.Equal(0, _run.ExitCode("check-host-64"));
        List<string[]> rows = [.. _run.Stdout("check-host-64")
            .Select(static l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(static cells => cells.Length == 11 && int.TryParse(cells[0], out _))];
        Assert.Equal(64, rows.Count);
        for (int slot = 0; slot < 64; slot++)
        {
            string[] row = rows[slot];
            Assert.Equal(slot, int.Parse(row[0], CultureInfo.InvariantCulture));
            ulong mpidr = ParseHex(row[5]);
            ulong typer = ParseHex(row[6]);
            // KVM's reset_mpidr: Aff0 = id & 0xf, Aff1 = id >> 4, bit 31 RES1.
            Assert.Equal(0x8000_0000UL | ((uint)slot >> 4 << 8) | ((uint)slot & 0xF), mpidr);
            Assert.Equal((uint)(mpidr & 0xFF_FFFF), (uint)(typer >> 32));
            Assert.Equal((ulong)slot, (typer >> 8) & 0xFFFF);
            Assert.Equal(slot == 63, (typer & (1 << 4)) != 0);
        }
    }

    [Fact]
    public void CreatingAVcpuAfterVgicInit_IsRefusedWithEbusy_AndReportedAsAConfigurationError()
    {
        string? line = _run.Stdout("check-host-64").FirstOrDefault(static l => l.StartsWith("late vCPU creation:", StringComparison.Ordinal));
        Assert.NotNull(line);
        Assert.Contains("refused as expected", line, StringComparison.Ordinal);
        Assert.Contains("EBUSY", line, StringComparison.Ordinal);
        Assert.Contains("created vCPUs: 64, running vCPU threads: 0", _run.Stdout("check-host-64"));
    }

    [Fact]
    public void MoreVcpusThanKvmAllows_IsOneLineOnStderr_ExitCode2()
    {
        Assert.Equal(2, _run.ExitCode("too-many-vcpus"));
        IReadOnlyList<string> errors = _run.Stderr("too-many-vcpus");
        Assert.Single(errors);
        Assert.StartsWith("parkway: ", errors[0], StringComparison.Ordinal);
        Assert.Contains("KVM_CAP_MAX_VCPUS", errors[0], StringComparison.Ordinal);
    }

    private static ulong ParseHex(string text) =>
        ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
