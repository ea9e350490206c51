using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Hotplug;
using Parkway.Machine.Snapshot;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Hotplug;

/// <summary>
/// An unplug pending at a snapshot keeps its deadline across the restore: the save records the
/// time left, the restored controller arms it again (or, for a request saved without one, the
/// restoring run's --unplug-timeout), and it withdraws only the restored request.
/// </summary>
public sealed class UnplugDeadlineRestoreTests : IDisposable
{
    private static readonly DateTimeOffset SavedRequest = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (IDisposable owned in _owned)
        {
            owned.Dispose();
        }
    }

    [Fact]
    public void The_save_side_reports_the_time_left_only_for_a_request_with_a_deadline()
    {
        (CpuManager cpus, CpuHotplugController controller, _) = Machine();
        controller.Add("host-arm-cpu", "cpu1", new CpuTopologyRequest(0, 0, 1, 0));
        controller.Add("host-arm-cpu", "cpu2", new CpuTopologyRequest(0, 0, 2, 0));
        controller.Delete("cpu2"); // no timeout configured: no deadline
        controller.UnplugTimeout = TimeSpan.FromHours(1);
        controller.Delete("cpu1");

        TimeSpan? left = controller.UnplugDeadlineRemaining(1);
        Assert.NotNull(left);
        Assert.InRange(left.Value, TimeSpan.Zero, TimeSpan.FromHours(1));
        Assert.Null(controller.UnplugDeadlineRemaining(2));
        Assert.Null(controller.UnplugDeadlineRemaining(3)); // nothing pending
        Assert.True(cpus.Eject(1));
        Assert.Null(controller.UnplugDeadlineRemaining(1)); // ejected: the old deadline does not count
    }

    [Fact]
    public void A_restored_request_with_time_left_is_withdrawn_when_that_time_passes()
    {
        (CpuManager cpus, CpuHotplugController controller, Failures failures) = Restored(pendingSlot: 1);

        controller.RearmRestoredUnplugs([null, TimeSpan.FromMilliseconds(1), null, null]);

        Assert.True(failures.Signal.Wait(TimeSpan.FromSeconds(30)), "the re-armed deadline did not fire");
        Assert.Equal([(1, UnplugFailure.TimedOut)], failures.List);
        Assert.True(cpus.Slots[1].IsEnabled);
        Assert.False(cpus.Slots[1].IsRemovePending);
    }

    [Fact]
    public void A_restored_request_saved_without_a_deadline_takes_the_restoring_runs_timeout()
    {
        (CpuManager cpus, CpuHotplugController controller, Failures failures) = Restored(pendingSlot: 2);
        controller.UnplugTimeout = TimeSpan.FromMilliseconds(1);

        controller.RearmRestoredUnplugs([null, null, null, null]);

        Assert.True(failures.Signal.Wait(TimeSpan.FromSeconds(30)), "no deadline was armed from --unplug-timeout");
        Assert.Equal([(2, UnplugFailure.TimedOut)], failures.List);
        Assert.False(cpus.Slots[2].IsRemovePending);
    }

    [Fact]
    public void Without_a_saved_deadline_or_a_timeout_the_restored_request_stays_pending_and_an_eject_completes_it()
    {
        (CpuManager cpus, CpuHotplugController controller, Failures failures) = Restored(pendingSlot: 1);

        controller.RearmRestoredUnplugs([null, null, null, null]);

        Assert.Null(controller.UnplugDeadlineRemaining(1));
        Assert.True(cpus.Slots[1].IsRemovePending);
        Assert.True(cpus.Eject(1));
        Assert.Empty(failures.List);
    }

    [Fact]
    public void A_rearmed_deadline_is_saved_again_with_at_most_the_time_it_was_given()
    {
        (_, CpuHotplugController controller, _) = Restored(pendingSlot: 1);

        controller.RearmRestoredUnplugs([null, TimeSpan.FromMinutes(5), null, null]);

        Assert.InRange(controller.UnplugDeadlineRemaining(1)!.Value, TimeSpan.Zero, TimeSpan.FromMinutes(5));
    }

    private (CpuManager Cpus, CpuHotplugController Controller, Failures Failures) Machine()
    {
        CpuManager cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=1,max=4"), new FakeVcpuArchitecture(), NullLogger.Instance);
        _owned.Add(cpus);
        var controller = new CpuHotplugController(cpus, Arm64VirtMachine.Arm64CpuModel, notifyGuest: static () => { });
        var failures = new Failures();
        _owned.Add(failures);
        controller.UnplugFailed += (slot, failure) =>
        {
            lock (failures.List)
            {
                failures.List.Add((slot.Index, failure));
            }

            failures.Signal.Set();
        };
        return (cpus, controller, failures);
    }

    /// <summary>A new machine whose slot <paramref name="pendingSlot"/> is restored plugged with an unplug pending.</summary>
    private (CpuManager Cpus, CpuHotplugController Controller, Failures Failures) Restored(int pendingSlot)
    {
        (CpuManager cpus, CpuHotplugController controller, Failures failures) = Machine();
        foreach (CpuSlot slot in cpus.Slots)
        {
            bool pending = slot.Index == pendingSlot;
            cpus.RestoreSlotState(new CpuSlotSnapshot(slot.Index, slot.ArchId, slot.Index == 0 || pending, false, pending, pending, slot.Index == 0 || pending,
                pending ? $"cpu{slot.Index}" : null, pending ? SavedRequest : null, null, 0, []));
        }

        return (cpus, controller, failures);
    }

    private sealed class Failures : IDisposable
    {
        public List<(int Slot, UnplugFailure Failure)> List { get; } = [];

        public ManualResetEventSlim Signal { get; } = new();

        public void Dispose() => Signal.Dispose();
    }
}
