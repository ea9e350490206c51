using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Machine;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Snapshot;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Cpu;

/// <summary>
/// A snapshot's per-vCPU work with fake vCPUs on real vCPU threads: it runs on each plugged slot's
/// own thread while the machine is paused, on the caller's thread for parked slots, is refused while
/// running, and restored slot state reads back.
/// </summary>
public sealed class SnapshotVcpuWorkTests : IDisposable
{
    private readonly FakeVcpuArchitecture _architecture = new();
    private readonly CpuManager _cpus;

    public SnapshotVcpuWorkTests()
    {
        _cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=2,max=4"), _architecture, NullLogger.Instance);
    }

    public void Dispose() => _cpus.Dispose();

    [Fact]
    public void Paused_work_runs_on_each_plugged_vcpus_own_thread_and_on_the_caller_for_parked_ones()
    {
        _cpus.Start(new ContinueHandler(), static (_, _) => { });
        Assert.True(_architecture.Vcpus[0].InGuest.Wait(TimeSpan.FromSeconds(20)));
        _cpus.Pause();

        string[] threads = _cpus.OnEveryVcpu(static (slot, vcpu) => $"{vcpu.Id}:{Thread.CurrentThread.Name}");

        string caller = Thread.CurrentThread.Name ?? string.Empty;
        Assert.Equal(["0:vcpu0", "1:vcpu1", $"2:{caller}", $"3:{caller}"], threads);
        Assert.False(_cpus.IsRunning);
    }

    [Fact]
    public void Work_is_refused_while_the_machine_runs()
    {
        _cpus.Start(new ContinueHandler(), static (_, _) => { });
        Assert.Throws<InvalidOperationException>(() => _cpus.OnEveryVcpu(static (_, _) => 0));
    }

    [Fact]
    public void A_failure_on_a_vcpu_thread_reaches_the_caller()
    {
        _cpus.Start(new ContinueHandler(), static (_, _) => { });
        _cpus.Pause();
        var error = Assert.Throws<ArgumentException>(() => _cpus.OnEveryVcpu<int>(static (slot, _) => slot.Index == 1 ? throw new ArgumentException("register refused") : 0));
        Assert.Equal("register refused", error.Message);
    }

    [Fact]
    public void Restored_slot_state_reads_back_and_a_pending_unplug_keeps_its_time()
    {
        DateTimeOffset requested = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        _cpus.RestoreSlotState(new CpuSlotSnapshot(2, _cpus.Slots[2].ArchId, true, false, true, true, true, "cpu2", requested, (3u, 0x84u), 0, []));

        CpuSlotState state = _cpus.Slots[2].State;
        Assert.True(state.IsEnabled && state.IsRemovePending && state.IsPoweredOn);
        Assert.Equal("cpu2", state.DeviceId);
        Assert.Equal(requested, state.UnplugRequestedAt);
        Assert.Equal((3u, 0x84u), state.LastOst);
        // The pending request is the restored one: it can be withdrawn by its time.
        Assert.True(_cpus.CancelUnplug(2, requested));
    }

    [Fact]
    public void Slot_state_cannot_be_restored_once_threads_run()
    {
        _cpus.Start(new ContinueHandler(), static (_, _) => { });
        Assert.Throws<InvalidOperationException>(() => _cpus.RestoreSlotState(new CpuSlotSnapshot(3, 0, false, false, false, false, false, null, null, null, 0, [])));
    }

    private sealed class ContinueHandler : IVcpuExitHandler
    {
        public VcpuExitAction HandleExit(CpuSlot slot) => VcpuExitAction.Continue;
    }
}
