using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Hotplug;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Hotplug;

/// <summary>
/// An unplug request that ends without an eject (issue 11, point 3): the guest refuses it through
/// _OST, or does nothing before the unplug timeout. Either way the request is withdrawn, the CPU
/// stays plugged, the failure is reported once, and the unplug can be requested again.
/// </summary>
public sealed class UnplugDeadlineTests : IDisposable
{
    private readonly CpuManager _cpus;
    private readonly CpuHotplugController _controller;
    private readonly List<(int Slot, UnplugFailure Failure)> _failures = [];
    private readonly ManualResetEventSlim _failed = new();

    public UnplugDeadlineTests()
    {
        _cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=1,max=4"), new FakeVcpuArchitecture(), NullLogger.Instance);
        _controller = new CpuHotplugController(_cpus, Arm64VirtMachine.Arm64CpuModel, notifyGuest: static () => { });
        _controller.UnplugFailed += (slot, failure) =>
        {
            lock (_failures)
            {
                _failures.Add((slot.Index, failure));
            }

            _failed.Set();
        };
        _controller.Add("host-arm-cpu", "cpu1", new CpuTopologyRequest(0, 0, 1, 0));
    }

    public void Dispose()
    {
        _cpus.Dispose();
        _failed.Dispose();
    }

    [Theory]
    [InlineData(3u, 0x80u)] // eject request: ejection not supported (Linux: "Eject disabled")
    [InlineData(3u, 0x82u)] // eject request: device busy
    [InlineData(3u, 1u)] // eject request: non-specific failure
    [InlineData(0x103u, 0x81u)] // OSPM eject: device in use
    public void An_eject_failure_reported_through_ost_withdraws_the_request(uint ostEvent, uint ostStatus)
    {
        _controller.Delete("cpu1");

        _cpus.ReportOst(1, ostEvent, ostStatus);

        Assert.Equal([(1, UnplugFailure.GuestRefused)], _failures);
        CpuSlot slot = _cpus.Slots[1];
        Assert.True(slot.IsEnabled);
        Assert.False(slot.IsRemovePending);
        Assert.False(slot.IsRemoving);
        Assert.Null(_controller.PowerStates()[1].UnplugRequestedAt);
        Assert.False(_cpus.Eject(1)); // a late eject of a withdrawn request is refused

        _controller.Delete("cpu1"); // and it can be requested again
        Assert.True(slot.IsRemovePending);
        Assert.True(_cpus.Eject(1));
    }

    [Theory]
    [InlineData(3u, 0u)] // eject request handled
    [InlineData(3u, 0x84u)] // ejection in progress
    [InlineData(1u, 1u)] // a failed device check is not about the eject
    public void Other_ost_reports_leave_the_request_pending(uint ostEvent, uint ostStatus)
    {
        _controller.Delete("cpu1");

        _cpus.ReportOst(1, ostEvent, ostStatus);

        Assert.Empty(_failures);
        Assert.True(_cpus.Slots[1].IsRemovePending);
    }

    [Fact]
    public void An_ost_failure_with_no_request_pending_reports_nothing()
    {
        _cpus.ReportOst(1, 3, 0x80);

        Assert.Empty(_failures);
        Assert.True(_cpus.Slots[1].IsEnabled);
    }

    [Fact]
    public void A_pending_request_shows_when_it_was_made_and_a_repeat_keeps_that_time()
    {
        DateTimeOffset before = DateTimeOffset.UtcNow;
        _controller.Delete("cpu1");
        DateTimeOffset? first = _controller.PowerStates()[1].UnplugRequestedAt;

        _controller.Delete("cpu1");

        Assert.NotNull(first);
        Assert.True(first >= before);
        Assert.Equal(first, _controller.PowerStates()[1].UnplugRequestedAt);
        Assert.True(_controller.PowerStates()[1].UnplugPending);
    }

    [Fact]
    public void Without_an_eject_before_the_timeout_the_request_is_withdrawn_and_can_be_made_again()
    {
        _controller.UnplugTimeout = TimeSpan.FromMilliseconds(1);

        _controller.Delete("cpu1");

        Assert.True(_failed.Wait(TimeSpan.FromSeconds(30)), "no timeout was reported");
        Assert.Equal([(1, UnplugFailure.TimedOut)], _failures);
        Assert.True(_cpus.Slots[1].IsEnabled);
        Assert.False(_cpus.Slots[1].IsRemovePending);

        _controller.UnplugTimeout = null;
        _controller.Delete("cpu1");
        Assert.True(_cpus.Eject(1));
    }

    [Fact]
    public void A_deadline_withdraws_only_the_request_it_was_set_for()
    {
        DateTimeOffset first = _cpus.RequestUnplug(1);
        Assert.True(_cpus.Eject(1));
        _controller.Add("host-arm-cpu", "cpu1", new CpuTopologyRequest(0, 0, 1, 0));
        DateTimeOffset second = _cpus.RequestUnplug(1);

        Assert.True(second > first);
        Assert.False(_cpus.CancelUnplug(1, first));
        Assert.True(_cpus.Slots[1].IsRemovePending);
        Assert.True(_cpus.CancelUnplug(1, second));
        Assert.False(_cpus.Slots[1].IsRemovePending);
    }
}
