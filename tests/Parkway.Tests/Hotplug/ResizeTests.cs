using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Machine;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Hotplug;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Hotplug;

/// <summary>
/// set-vcpus through the controller, with the guest's steps played by hand over fake vCPUs on real
/// vCPU threads: one guest notification per batch, one completion per CPU, one summary at the end.
/// (An unplug completes when the ejected CPU's thread has stopped, asynchronously: the tests wait
/// for that event, never for a time.)
/// </summary>
public sealed class ResizeTests : IDisposable
{
    private readonly CpuManager _cpus;
    private readonly CpuHotplugController _controller;
    private readonly List<HotplugTimeline> _completed = [];
    private readonly List<ResizeSummary> _resized = [];
    private readonly SemaphoreSlim _resizeEnded = new(0);
    private int _notifications;

    public ResizeTests()
    {
        _cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=1,max=8"), new FakeVcpuArchitecture(), NullLogger.Instance);
        _controller = new CpuHotplugController(_cpus, Arm64VirtMachine.Arm64CpuModel, notifyGuest: () => _notifications++);
        _controller.Records.Completed += timeline =>
        {
            lock (_completed)
            {
                _completed.Add(timeline);
            }
        };
        _controller.Records.ResizeCompleted += summary =>
        {
            lock (_resized)
            {
                _resized.Add(summary);
            }

            _resizeEnded.Release();
        };
        _cpus.Start(new ContinueHandler(), static (_, e) => throw new InvalidOperationException("vCPU thread failed", e));
    }

    public void Dispose()
    {
        _cpus.Dispose();
        _resizeEnded.Dispose();
    }

    [Fact]
    public void Growing_plugs_every_cpu_with_one_notification_and_reports_each_then_the_batch()
    {
        ResizePlan plan = _controller.Resize(8);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], plan.Plug);
        Assert.Equal(1, _notifications);
        Assert.All(_cpus.Slots, static s => Assert.True(s.IsEnabled));
        Assert.Empty(_resized);

        foreach (int index in (int[])[3, 1, 2, 4, 5, 6])
        {
            Assert.Equal(CpuPowerOnResult.Started, GuestStarts(index));
        }

        Assert.Equal([3, 1, 2, 4, 5, 6], _completed.Select(static t => t.Slot));
        Assert.All(_completed, static t => Assert.Equal((HotplugKind.Plug, HotplugOutcome.Completed), (t.Kind, t.Outcome)));
        Assert.All(_completed, static t => Assert.NotNull(t.GuestCpuOnMs));
        Assert.Empty(_resized);

        GuestStarts(7);

        ResizeSummary summary = Assert.Single(_resized);
        Assert.Equal(8, summary.Count);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], summary.Plugged);
        Assert.Empty(summary.Unplugged);
        Assert.Empty(summary.Unfinished);
    }

    [Fact]
    public void Shrinking_requests_every_unplug_with_one_notification_and_counts_refusals_as_failed()
    {
        _controller.Resize(4);
        _notifications = 0;

        ResizePlan plan = _controller.Resize(1);

        Assert.Equal([3, 2, 1], plan.Unplug);
        Assert.Equal(1, _notifications);
        Assert.All(plan.Unplug, i => Assert.True(_cpus.Slots[i].IsRemovePending));
        // The first batch (plugs the guest never started) was replaced: reported as unfinished.
        ResizeSummary replaced = Assert.Single(_resized);
        Assert.Equal([1, 2, 3], replaced.Unfinished);

        Assert.True(_resizeEnded.Wait(TimeSpan.FromMinutes(1)));
        Assert.True(_cpus.Eject(3));
        Assert.True(_cpus.Eject(1));
        _cpus.ReportOst(2, 3, 0x82); // the guest cannot eject CPU 2: busy

        Assert.True(_resizeEnded.Wait(TimeSpan.FromMinutes(1)), "the shrink was never reported complete");
        ResizeSummary summary = _resized[^1];
        Assert.Equal(1, summary.Count);
        Assert.Equal([1, 3], summary.Unplugged);
        Assert.Equal([2], summary.Failed);
        Assert.Contains(_completed, static t => t is { Slot: 2, Kind: HotplugKind.Unplug, Outcome: HotplugOutcome.GuestRefused });
        Assert.Equal([0, 2], _cpus.Slots.Where(static s => s.IsEnabled).Select(static s => s.Index));
    }

    [Fact]
    public void A_resize_may_give_its_unplugs_their_own_deadline()
    {
        _controller.Resize(3);
        _resizeEnded.Wait(TimeSpan.Zero);
        var failures = new List<UnplugFailure>();
        using var failed = new ManualResetEventSlim();
        _controller.UnplugFailed += (_, failure) =>
        {
            lock (failures)
            {
                failures.Add(failure);
            }

            failed.Set();
        };

        _controller.Resize(2, unplugTimeout: TimeSpan.FromMilliseconds(1));

        Assert.True(failed.Wait(TimeSpan.FromMinutes(1)), "the batch's deadline never fired");
        Assert.True(_resizeEnded.Wait(TimeSpan.FromMinutes(1)));
        Assert.Equal(UnplugFailure.TimedOut, failures[0]);
        Assert.True(_cpus.Slots[2].IsEnabled);
        Assert.False(_cpus.Slots[2].IsRemovePending);
        Assert.Null(_controller.UnplugTimeout); // the machine's default is untouched
    }

    [Fact]
    public void A_resize_to_the_current_count_is_reported_at_once()
    {
        _controller.Resize(1);

        Assert.Equal(0, _notifications);
        ResizeSummary summary = Assert.Single(_resized);
        Assert.Empty(summary.Plugged);
        Assert.Empty(summary.Unfinished);
    }

    [Fact]
    public void Refusals_change_nothing()
    {
        Assert.Throws<MachineRequestException>(() => _controller.Resize(0));
        Assert.Throws<MachineRequestException>(() => _controller.Resize(9));

        Assert.Equal(0, _notifications);
        Assert.Single(_cpus.Slots, static s => s.IsEnabled);
        Assert.Empty(_resized);
    }

    [Fact]
    public void Without_acpi_a_resize_is_refused()
    {
        var noAcpi = new CpuHotplugController(_cpus, Arm64VirtMachine.Arm64CpuModel, notifyGuest: null);

        Assert.StartsWith("CPU hotplug not supported", Assert.Throws<MachineRequestException>(() => noAcpi.Resize(2)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Statistics_count_requests_completions_and_failures_with_latency_percentiles()
    {
        _controller.Resize(3);
        GuestStarts(1);
        GuestStarts(2);
        _controller.Delete("/machine/peripheral-anon/device[1]");
        _cpus.ReportOst(2, 3, 1);

        HotplugStatistics stats = _controller.Records.Statistics();

        Assert.Equal((2L, 2L, 1L, 0L, 1L, 0L, 1L),
            (stats.PlugsRequested, stats.PlugsCompleted, stats.UnplugsRequested, stats.UnplugsCompleted, stats.UnplugsRefused, stats.UnplugsTimedOut, stats.Resizes));
        Assert.Equal(2, stats.PlugLatency.Samples);
        Assert.True(stats.PlugLatency.P50 <= stats.PlugLatency.Max);
        Assert.Equal(0, stats.UnplugLatency.Samples);
        Assert.Null(stats.UnplugLatency.P50);
    }

    private CpuPowerOnResult GuestStarts(int index) => _cpus.PowerOn(_cpus.Slots[index], 0x4000_0000, 0);

    private sealed class ContinueHandler : IVcpuExitHandler
    {
        public VcpuExitAction HandleExit(CpuSlot slot) => VcpuExitAction.Continue;
    }
}
