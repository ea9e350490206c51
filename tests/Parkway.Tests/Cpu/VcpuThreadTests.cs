using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Cpu;

/// <summary>
/// The vCPU threads with fake vCPUs: real OS threads, real kick signals (SIGUSR2, blocked outside
/// "KVM_RUN", consumed with sigtimedwait), real run gate — only KVM_RUN itself is the fake's.
/// Waits are bounded only so a broken build fails instead of hanging; nothing here asserts a time.
/// </summary>
public sealed class VcpuThreadTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly FakeVcpuArchitecture _architecture = new();
    private readonly CpuManager _cpus;
    private readonly List<Exception> _failures = [];

    public VcpuThreadTests()
    {
        _cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=2,max=4"), _architecture, NullLogger.Instance);
        _cpus.Start(new ContinueHandler(), (_, e) =>
        {
            lock (_failures)
            {
                _failures.Add(e);
            }
        });
    }

    public void Dispose()
    {
        _cpus.Dispose();
        Assert.Empty(_failures);
    }

    private FakeVcpu Vcpu(int id) => _architecture.Vcpus[id];

    private void WaitInGuest(int id) => Assert.True(Vcpu(id).InGuest.Wait(Patience), $"vCPU {id} never entered the guest");

    [Fact]
    public void Start_runs_one_thread_per_boot_cpu_with_the_kick_signal_deliverable_only_in_the_guest()
    {
        WaitInGuest(0);
        WaitInGuest(1);

        Assert.Equal(2, _cpus.RunningCount);
        Assert.All(_cpus.Slots.Take(2), static s => Assert.NotEqual(0, s.ThreadId));
        Assert.All(_cpus.Slots.Skip(2), static s => Assert.False(s.HasThread));
        Assert.Equal(0, Vcpu(2).RunCalls);
        Assert.Equal(0, Vcpu(3).RunCalls);
        ulong kickBit = 1UL << (VcpuThread.KickSignal - 1);
        Assert.All(new[] { Vcpu(0), Vcpu(1) }, v => Assert.Equal(0UL, Assert.Single(v.SignalMasks) & kickBit));
    }

    [Fact]
    public void Pause_holds_every_thread_outside_the_guest_until_resume()
    {
        WaitInGuest(0);
        WaitInGuest(1);

        _cpus.Pause();

        Assert.False(_cpus.IsRunning);
        Assert.False(Vcpu(0).InGuest.IsSet);
        Assert.False(Vcpu(1).InGuest.IsSet);
        int before = Vcpu(0).RunCalls;

        _cpus.Resume();

        WaitInGuest(0);
        Assert.True(_cpus.IsRunning);
        Assert.True(Vcpu(0).RunCalls > before);
    }

    [Fact]
    public void A_cpu_plugged_while_paused_waits_at_the_gate_and_runs_on_resume()
    {
        _cpus.Pause();

        _cpus.Plug(2, "cpu2");
        _cpus.Pause(); // returns once the new thread, too, waits outside the guest

        Assert.True(_cpus.Slots[2].HasThread);
        Assert.Equal(0, Vcpu(2).RunCalls);
        _cpus.Resume();
        WaitInGuest(2);
    }

    [Fact]
    public void Power_on_is_posted_to_the_target_thread_which_is_kicked_out_of_the_guest()
    {
        _cpus.Plug(2, "cpu2");
        WaitInGuest(2);

        Assert.Equal(CpuPowerOnResult.Started, _cpus.PowerOn(_cpus.Slots[2], 0x4008_0000, 0x1234));

        Assert.True(SpinWait.SpinUntil(() => _architecture.PowerOns.Count == 1, Patience));
        Assert.Equal((2, 0x4008_0000UL, 0x1234UL, "vcpu2"), _architecture.PowerOns[0]);
        Assert.True(_cpus.Slots[2].IsPoweredOn);
        Assert.Equal(CpuPowerOnResult.AlreadyOn, _cpus.PowerOn(_cpus.Slots[2], 0x4008_0000, 0));
        WaitInGuest(2); // back in the guest after the kick
    }

    [Fact]
    public void Eject_stops_the_thread_parks_the_slot_and_keeps_its_vcpu_for_the_next_plug()
    {
        using var unplugged = new ManualResetEventSlim();
        _cpus.Unplugged += slot =>
        {
            if (slot.Index == 2)
            {
                unplugged.Set();
            }
        };
        _cpus.Plug(2, "cpu2");
        WaitInGuest(2);
        _cpus.RequestUnplug(2);

        Assert.True(_cpus.Eject(2));

        Assert.True(unplugged.Wait(Patience));
        Assert.False(_cpus.Slots[2].HasThread);
        Assert.Equal(0, _cpus.Slots[2].ThreadId);
        Assert.Equal(2, _cpus.RunningCount);
        Assert.False(Vcpu(2).Disposed);

        _cpus.Plug(2, "again");
        WaitInGuest(2);
        Assert.Equal(2, Vcpu(2).SignalMasks.Count);
        Assert.Equal([2, 2], _architecture.Resets);
    }

    [Fact]
    public void Stop_all_joins_every_thread_and_dispose_releases_every_vcpu()
    {
        WaitInGuest(0);
        WaitInGuest(1);

        _cpus.StopAll();

        Assert.Equal(0, _cpus.RunningCount);
        Assert.All(_cpus.Slots, static s => Assert.False(s.HasThread));
        _cpus.Dispose();
        Assert.All(_architecture.Vcpus.Values, static v => Assert.True(v.Disposed));
    }

    private sealed class ContinueHandler : IVcpuExitHandler
    {
        public VcpuExitAction HandleExit(CpuSlot slot) => VcpuExitAction.Continue;
    }
}
