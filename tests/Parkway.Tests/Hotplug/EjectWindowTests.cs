using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Machine;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Hotplug;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Hotplug;

/// <summary>
/// device_del between the guest's eject and the end of the vCPU thread (DEVICE_DELETED not sent
/// yet). Found by the soak (issue 10): of two clients racing device_del, the later one got
/// "CPU slot N is not plugged" in that window instead of QEMU's answers.
/// </summary>
public sealed class EjectWindowTests : IDisposable
{
    private readonly CpuManager _cpus;
    private readonly CpuHotplugController _controller;
    private readonly ManualResetEventSlim _inHandler = new();
    private readonly ManualResetEventSlim _release = new();
    private readonly ManualResetEventSlim _unplugged = new();

    public EjectWindowTests()
    {
        _cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=1,max=2"), new FakeVcpuArchitecture(), NullLogger.Instance);
        _controller = new CpuHotplugController(_cpus, Arm64VirtMachine.Arm64CpuModel, notifyGuest: static () => { });
        _cpus.Unplugged += _ => _unplugged.Set();
        _cpus.Start(new HoldingHandler(this), static (_, e) => throw new InvalidOperationException("vCPU thread failed", e));
    }

    public void Dispose()
    {
        _release.Set();
        _cpus.Dispose();
        _inHandler.Dispose();
        _release.Dispose();
        _unplugged.Dispose();
    }

    [Fact]
    public void A_repeated_device_del_after_the_eject_but_before_device_deleted_is_accepted_then_the_device_is_gone()
    {
        _controller.Add("host-arm-cpu", "cpu1", new CpuTopologyRequest(0, 0, 1, 0));
        // Keep CPU 1's thread busy in an exit, so that it cannot stop at once when ejected.
        ((FakeVcpu)_cpus.Slots[1].Vcpu).QueueExit(static _ => { });
        Assert.True(_inHandler.Wait(TimeSpan.FromMinutes(1)));

        _controller.Delete("cpu1");
        Assert.True(_cpus.Eject(1));
        Assert.True(_cpus.Slots[1].HasThread);
        Assert.False(_unplugged.IsSet);

        _controller.Delete("cpu1"); // the racing client: accepted, nothing more to do
        Assert.False(_cpus.Slots[1].IsEnabled);
        Assert.False(_cpus.Slots[1].IsRemovePending);

        _release.Set();
        Assert.True(_unplugged.Wait(TimeSpan.FromMinutes(1)));
        var late = Assert.Throws<MachineRequestException>(() => _controller.Delete("cpu1"));
        Assert.Equal(MachineErrorKind.DeviceNotFound, late.Kind);
    }

    private sealed class HoldingHandler(EjectWindowTests test) : IVcpuExitHandler
    {
        public VcpuExitAction HandleExit(CpuSlot slot)
        {
            if (slot.Index == 1)
            {
                test._inHandler.Set();
                test._release.Wait();
            }

            return VcpuExitAction.Continue;
        }
    }
}
