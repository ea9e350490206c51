using Parkway.Machine;

namespace Parkway.Tests.Lifetime;

public sealed class MachineLifetimeTests
{
    [Fact]
    public void A_reset_request_wakes_the_waiter_once_with_its_cause()
    {
        var lifetime = new MachineLifetime();
        lifetime.RequestReset(ResetCause.HostQmpSystemReset);
        lifetime.RequestReset(ResetCause.Guest); // merged into the pending one

        Assert.Null(lifetime.WaitForExitOrReset(out ResetCause cause));
        Assert.Equal(ResetCause.HostQmpSystemReset, cause);

        lifetime.RequestExit(0, "done", ShutdownCause.HostQmpQuit);
        Assert.Equal(ShutdownCause.HostQmpQuit, lifetime.WaitForExitOrReset(out _)!.Cause);
    }

    [Fact]
    public void An_exit_wins_over_a_pending_reset()
    {
        var lifetime = new MachineLifetime();
        lifetime.RequestReset(ResetCause.Guest);
        lifetime.RequestExit(143, "terminated", ShutdownCause.HostSignal);

        MachineExit? exit = lifetime.WaitForExitOrReset(out _);

        Assert.NotNull(exit);
        Assert.Equal(143, exit.ExitCode);
    }

    [Fact]
    public async Task A_request_from_another_thread_wakes_a_blocked_waiter()
    {
        var lifetime = new MachineLifetime();
        Task<MachineExit?> waiter = Task.Factory.StartNew(() => lifetime.WaitForExitOrReset(out _), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        lifetime.RequestReset(ResetCause.Guest);

        Assert.Null(await waiter.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Theory]
    [InlineData(ResetCause.Guest, ShutdownCause.GuestReset)]
    [InlineData(ResetCause.HostQmpSystemReset, ShutdownCause.HostQmpSystemReset)]
    public void With_on_reset_exit_a_reset_request_is_an_exit_with_code_0(ResetCause cause, ShutdownCause expected)
    {
        var lifetime = new MachineLifetime { OnReset = ResetAction.Exit };
        int resets = 0;
        lifetime.ResetDone += _ => resets++;

        lifetime.RequestReset(cause);

        MachineExit? exit = lifetime.WaitForExitOrReset(out _);
        Assert.NotNull(exit);
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(expected, exit.Cause);
        Assert.Equal(0, resets);
    }

    [Fact]
    public void ReportReset_raises_ResetDone_with_the_cause()
    {
        var lifetime = new MachineLifetime();
        var seen = new List<ResetCause>();
        lifetime.ResetDone += seen.Add;

        lifetime.ReportReset(ResetCause.Guest);

        Assert.Equal([ResetCause.Guest], seen);
    }
}
