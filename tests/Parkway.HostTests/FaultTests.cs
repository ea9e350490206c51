namespace Parkway.HostTests;

/// <summary>
/// Host-side faults on real KVM (Scenarios/faults.sh, one test-host boot): the guest's console
/// output failing or filling its file system is logged once and never stops the guest; a kill -9
/// leaves a stale QMP socket the next run takes over; SIGTERM stops the VM in order (SHUTDOWN to
/// clients, socket removed, exit 143).
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class FaultTests
{
    private static readonly Lazy<ScenarioRun> Run = new(() => ScenarioRun.Start("faults.sh", TimeSpan.FromMinutes(6)));

    [Fact]
    public void A_console_whose_every_write_fails_is_logged_once_and_the_guest_still_powers_off()
    {
        IReadOnlyDictionary<string, string> summary = Run.Value.Summary("console-full");
        Assert.True(summary["exit"] == "0", Run.Value.Host.ToString());
        Assert.Equal("1", summary["warnings"]);
    }

    [Fact]
    public void A_console_file_system_that_fills_up_keeps_what_fitted_logs_once_and_the_guest_still_powers_off()
    {
        IReadOnlyDictionary<string, string> summary = Run.Value.Summary("console-fills");
        Assert.True(summary["exit"] == "0", Run.Value.Host.ToString());
        Assert.Equal("1", summary["warnings"]);
        Assert.Equal("1", summary["guest-line"]);
        Assert.InRange(int.Parse(summary["size"], System.Globalization.CultureInfo.InvariantCulture), 1, 4096);
    }

    [Fact]
    public void After_kill_9_the_same_qmp_path_is_reused_at_once()
    {
        IReadOnlyDictionary<string, string> summary = Run.Value.Summary("stale-socket");
        Assert.True(summary["left-behind"] == "1", Run.Value.Host.ToString());
        Assert.True(summary["exit"] == "0", Run.Value.Host.ToString());
    }

    [Fact]
    public void Sigterm_sends_shutdown_to_clients_removes_the_socket_and_exits_143()
    {
        IReadOnlyDictionary<string, string> summary = Run.Value.Summary("sigterm");
        Assert.True(summary["exit"] == "143", Run.Value.Host.ToString());
        Assert.Equal("1", summary["socket-removed"]);
        Assert.Equal("1", summary["shutdown-events"]);
    }
}
