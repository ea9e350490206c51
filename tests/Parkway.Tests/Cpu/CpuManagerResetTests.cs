using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Machine;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Cpu;

/// <summary>
/// The CPU side of a machine reset over fake vCPUs on real vCPU threads (kicks, joins, the lock-order
/// checker on): every thread stops, every vCPU is reset, the plugged set is kept and the plugged
/// slots get new threads. Waits are bounded only so a broken build fails instead of hanging.
/// </summary>
public sealed class CpuManagerResetTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly FakeVcpuArchitecture _architecture = new();
    private readonly CpuManager _cpus;

    public CpuManagerResetTests()
    {
        _cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=2,max=4"), _architecture, NullLogger.Instance);
        _cpus.Start(new ContinueHandler(), (_, e) => throw new InvalidOperationException("vCPU failed", e));
    }

    public void Dispose() => _cpus.Dispose();

    private void WaitInGuest(int id) => Assert.True(_architecture.Vcpus[id].InGuest.Wait(Patience), $"vCPU {id} never entered the guest");

    [Fact]
    public void Reset_keeps_the_plugged_set_resets_every_vcpu_and_restarts_only_plugged_threads()
    {
        _cpus.Plug(2, "cpu2");
        _cpus.Plug(3, "cpu3");
        WaitInGuest(2);
        WaitInGuest(3);
        var unplugged = new ManualResetEventSlim();
        _cpus.Unplugged += _ => unplugged.Set();
        _cpus.RequestUnplug(3);
        Assert.True(_cpus.Eject(3));
        Assert.True(unplugged.Wait(Patience));
        _cpus.RequestUnplug(2); // pending at the reset: withdrawn by it
        int[] runsBefore = [.. Enumerable.Range(0, 4).Select(i => _architecture.Vcpus[i].RunCalls)];
        _architecture.Resets.Clear();

        Assert.True(_cpus.BeginReset());
        Assert.Equal(0, _cpus.RunningCount);
        Assert.True(_cpus.IsResetting);
        Assert.Throws<MachineRequestException>(() => _cpus.Plug(3, "again"));

        var configured = new List<int>();
        _cpus.ResetVcpus(slot => configured.Add(slot.Index));
        Assert.Equal([0, 1, 2, 3], _architecture.Resets.Order());
        Assert.Equal([0, 1, 2, 3], configured);

        _cpus.EndReset();

        Assert.False(_cpus.IsResetting);
        Assert.Equal(3, _cpus.RunningCount);
        WaitInGuest(0);
        WaitInGuest(1);
        WaitInGuest(2);
        Assert.Equal(runsBefore[3], _architecture.Vcpus[3].RunCalls);
        CpuSlotState two = _cpus.Slots[2].State;
        Assert.True(two.IsEnabled);
        Assert.False(two.IsRemovePending);
        Assert.Null(two.UnplugRequestedAt);
        Assert.False(two.IsPoweredOn);
        Assert.Equal("cpu2", two.DeviceId);
        Assert.False(_cpus.Slots[3].IsEnabled);
        Assert.False(_cpus.Slots[3].HasThread);
        Assert.True(_cpus.Slots[0].IsPoweredOn);
        Assert.False(_cpus.Slots[1].IsPoweredOn);
    }

    [Fact]
    public void A_cpu_unplugged_before_the_reset_can_be_plugged_after_it()
    {
        Assert.True(_cpus.BeginReset());
        _cpus.ResetVcpus(static _ => { });
        _cpus.EndReset();

        _cpus.Plug(2, "cpu2");

        WaitInGuest(2);
        Assert.Equal(3, _cpus.RunningCount);
    }

    [Fact]
    public void A_paused_machine_stays_paused_across_a_reset()
    {
        WaitInGuest(0);
        _cpus.Pause();
        Assert.True(_cpus.BeginReset());
        _cpus.ResetVcpus(static _ => { });
        int runs = _architecture.Vcpus[0].RunCalls;

        _cpus.EndReset();

        Assert.False(_cpus.IsRunning);
        Assert.Equal(2, _cpus.RunningCount);
        Assert.Equal(runs, _architecture.Vcpus[0].RunCalls);
        _cpus.Resume();
        WaitInGuest(0);
    }

    [Fact]
    public void No_reset_once_the_machine_is_shutting_down()
    {
        _cpus.StopAll();

        Assert.False(_cpus.BeginReset());
    }

    private sealed class ContinueHandler : IVcpuExitHandler
    {
        public VcpuExitAction HandleExit(CpuSlot slot) => VcpuExitAction.Continue;
    }
}
