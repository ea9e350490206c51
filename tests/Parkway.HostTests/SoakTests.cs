using System.Globalization;

namespace Parkway.HostTests;

/// <summary>Runs Scenarios/soak.sh with 50 cycles once in the arm64 test host (scripts/soak runs 1000).</summary>
public sealed class SoakScenarioFixture
{
    /// <summary>Cycles of the short soak.</summary>
    public const int Cycles = 50;

    /// <summary>The session's output.</summary>
    public Arm64HostResult Host { get; } = Arm64Host.Run(
        $"SOAK_CYCLES={Cycles} SOAK_SAMPLE=25 SOAK_CHECKPOINT=25 sh /scenarios/soak.sh",
        add: [(Path.Combine(AppContext.BaseDirectory, "Scenarios"), "/scenarios")],
        timeout: TimeSpan.FromMinutes(20));

    /// <summary>Lines "SOAK &lt;rest&gt;" without the prefix.</summary>
    public IReadOnlyList<string> Lines(string startingWith) =>
        [.. Host.LinesStartingWith("SOAK " + startingWith).Select(static l => l["SOAK ".Length..].TrimEnd('\r'))];

    /// <summary>The "key=value" pairs of the first line starting with <paramref name="startingWith"/>.</summary>
    public IReadOnlyDictionary<string, string> Pairs(string startingWith)
    {
        IReadOnlyList<string> lines = Lines(startingWith);
        string line = lines.Count > 0 ? lines[0] : throw new InvalidOperationException($"no SOAK {startingWith} line; host output:\n{Host}");
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(static p => p.Split('=', 2))
            .Where(static kv => kv.Length == 2)
            .ToDictionary(static kv => kv[0], static kv => kv[1]);
    }
}

/// <summary>
/// The short soak (issue 10, item 3) on a live Debian guest on real arm64 KVM: 50 plug/unplug
/// cycles of the same slot and of changing slots, every tenth a set-vcpus resize, with ten clients
/// racing each device_add and each device_del, stop/cont around some plugs and unplugs, a client
/// querying throughout and one killed mid-command; afterwards Parkway's descriptors, threads and
/// vCPU fds are back where they started and its own memory grew by at most 1 MiB.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class SoakTests : IClassFixture<SoakScenarioFixture>
{
    private readonly SoakScenarioFixture _run;

    public SoakTests(SoakScenarioFixture fixture) => _run = fixture;

    private string Host => _run.Host.ToString();

    [Fact]
    public void AllCyclesPassEveryCheck_AndTheGuestPowersOff()
    {
        Assert.Contains(_run.Lines("boot "), static l => l.StartsWith("boot ok", StringComparison.Ordinal));
        Assert.True(_run.Lines("failure").Count == 0, Host);
        IReadOnlyDictionary<string, string> result = _run.Pairs("result ");
        Assert.Equal(SoakScenarioFixture.Cycles.ToString(CultureInfo.InvariantCulture), result["cycles"]);
        Assert.Equal("0", result["failures"]);
        Assert.Equal("0", _run.Pairs("exit ")["code"]);
    }

    [Fact]
    public void RacingDeviceAdds_ExactlyOneWinsEachRound()
    {
        // 45 device_add cycles, each raced by ten clients, one in four with the last client killed mid-command.
        Assert.Equal("10", _run.Pairs("result ")["racers"]);
        int checkedRounds = int.Parse(_run.Pairs("result ")["racing-adds-checked"], CultureInfo.InvariantCulture);
        Assert.True(checkedRounds >= 30, Host);
        Assert.DoesNotContain(_run.Lines("failure"), static l => l.Contains("racing", StringComparison.Ordinal));
    }

    [Fact]
    public void DescriptorsThreadsAndVcpuFds_AreBackWhereTheyStarted()
    {
        IReadOnlyDictionary<string, string> result = _run.Pairs("result ");
        string[] fds = result["fds"].Split("->");
        Assert.Equal(fds[0], fds[1]);
        string[] threads = result["threads"].Split("->");
        Assert.True(int.Parse(threads[1], CultureInfo.InvariantCulture) <= int.Parse(threads[0], CultureInfo.InvariantCulture), Host);
        Assert.Equal("8", result["vcpu-fds"]);
        Assert.Equal("1", result["vcpu-threads"]);
        // The same checks (and the QMP views) between cycles 25 and 26 and after cycle 50.
        Assert.Equal("2", result["checkpoints"]);
    }

    [Fact]
    public void PlugsAndUnplugsAcrossStopAndCont_Complete()
    {
        // Cycles ending in 5 plug while the VM is stopped (the CPU must not come online before
        // cont), cycles ending in 7 stop and continue it during the unplug.
        IReadOnlyDictionary<string, string> result = _run.Pairs("result ");
        Assert.Equal("5", result["paused-plugs"]);
        Assert.Equal("5", result["paused-unplugs"]);
        Assert.DoesNotContain(_run.Lines("failure"), static l => l.Contains("stop", StringComparison.Ordinal) || l.Contains("cont", StringComparison.Ordinal));
    }

    [Fact]
    public void ParkwaysOwnMemory_GrowsByAtMostOneMiB()
    {
        // RSS less the guest's RAM, each sampled right after a memory trim, after the warm-up round.
        string[] own = _run.Pairs("result ")["own-kib"].Split("->");
        long growth = long.Parse(own[1], CultureInfo.InvariantCulture) - long.Parse(own[0], CultureInfo.InvariantCulture);
        Assert.True(growth <= 1024, $"own memory grew by {growth} KiB\n{Host}");
        Assert.DoesNotContain(_run.Lines("note"), static l => l.Contains("no memory trim", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryDeviceDeletedIsDelivered_AndEveryQueryAnswered()
    {
        IReadOnlyDictionary<string, string> result = _run.Pairs("result ");
        string[] deleted = result["device-deleted"].Split('/');
        Assert.Equal(deleted[1], deleted[0]);
        string[] queries = result["queries"].Split('/');
        Assert.Equal(queries[1], queries[0]);
        Assert.True(int.Parse(queries[1], CultureInfo.InvariantCulture) > 0, Host);
        Assert.True(int.Parse(result["disconnects"], CultureInfo.InvariantCulture) > 0, Host);
    }
}
