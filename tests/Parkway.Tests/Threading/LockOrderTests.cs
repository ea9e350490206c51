using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Tests.Fakes;
using Parkway.Threading;

namespace Parkway.Tests.Threading;

/// <summary>The lock-order checker (on in debug builds, so in every unit test run).</summary>
public sealed class LockOrderTests
{
    [Fact]
    public void Checking_is_on_in_the_unit_tests() => Assert.True(LockOrder.IsChecking);

    [Fact]
    public void Taking_a_lock_ranked_before_one_already_held_is_refused_before_blocking()
    {
        var controller = new RankedLock(LockRank.HotplugController, "controller");
        var manager = new RankedLock(LockRank.CpuManager, "manager");
        var device = new RankedLock(LockRank.Device, "device");

        using (manager.EnterScope())
        {
            var error = Assert.Throws<LockOrderException>(() => { using (controller.EnterScope()) { } });
            Assert.Contains("taking controller (HotplugController) while holding manager (CpuManager)", error.Message, StringComparison.Ordinal);
            using (device.EnterScope())
            {
                Assert.Throws<LockOrderException>(() => { using (new RankedLock(LockRank.Device, "other device").EnterScope()) { } });
            }
        }

        using (controller.EnterScope())
        using (manager.EnterScope())
        using (manager.EnterScope()) // re-entry of a held lock is not an inversion
        using (device.EnterScope())
        {
            Assert.True(device.IsHeldByCurrentThread);
        }
    }

    [Fact]
    public void An_action_forbidden_under_a_rank_is_refused_while_a_lock_of_that_rank_is_held()
    {
        var manager = new RankedLock(LockRank.CpuManager, "manager");
        LockOrder.AssertNotHeld(LockRank.CpuManager, "an ioctl");

        using (manager.EnterScope())
        {
            Assert.Throws<LockOrderException>(() => LockOrder.AssertNotHeld(LockRank.CpuManager, "an ioctl"));
        }

        LockOrder.AssertNotHeld(LockRank.CpuManager, "an ioctl");
    }

    [Fact]
    public void A_device_lock_held_while_calling_into_the_cpu_manager_is_caught()
    {
        // What the CPU hot-plug registers used to do: query slot state under their own lock.
        CpuManager cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=1,max=2"), new FakeVcpuArchitecture(), NullLogger.Instance);
        var registers = new RankedLock(LockRank.Device, "registers");

        using (registers.EnterScope())
        {
            Assert.Throws<LockOrderException>(() => cpus.ClearInsert(1));
            Assert.Throws<LockOrderException>(() => _ = cpus.Slots[1].IsEnabled);
        }
    }
}
