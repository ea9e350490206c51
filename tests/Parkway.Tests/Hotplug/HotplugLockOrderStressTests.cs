using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Acpi.Registers;
using Parkway.Machine;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Hotplug;
using Parkway.Tests.Fakes;
using Parkway.Threading;
using static Parkway.Acpi.Registers.CpuHotplugRegisterLayout;

namespace Parkway.Tests.Hotplug;

/// <summary>
/// The hot-plug path under concurrency, with lock-order checking on: control-plane threads plug,
/// unplug, query and pause while "guest" threads drive the real CPU hot-plug registers (scan,
/// acknowledge, eject, _OST) over the real backend, and fake vCPUs run on real vCPU threads. Any
/// lock taken out of the documented order, any vCPU ioctl or thread start under the CPU manager's
/// lock, throws on the path that does it — whichever interleaving happens — and fails the test.
/// The work is counted in iterations, never in time.
/// </summary>
public sealed class HotplugLockOrderStressTests
{
    private const int Iterations = 300;

    [Fact]
    public void Concurrent_plugs_unplugs_and_guest_register_traffic_keep_the_lock_order()
    {
        Assert.True(LockOrder.IsChecking);
        var architecture = new FakeVcpuArchitecture();
        using CpuManager cpus = CpuManager.CreateAll(null!, CpuConfig.Parse("boot=1,max=4"), architecture, NullLogger.Instance);
        var registers = new CpuHotplugRegisters(new CpuHotplugBackend(cpus));
        int notifications = 0;
        var controller = new CpuHotplugController(cpus, Arm64VirtMachine.Arm64CpuModel, () => Interlocked.Increment(ref notifications));
        var failures = new List<Exception>();
        int ejects = 0;
        cpus.Unplugged += _ => Interlocked.Increment(ref ejects);
        cpus.Start(new ContinueHandler(), (_, e) => Record(failures, e));

        Thread[] threads =
        [
            Worker(failures, i => ControlPlane(controller, i)),
            Worker(failures, i => ControlPlane(controller, i + 1)),
            Worker(failures, i => Guest(registers, i)),
            Worker(failures, i => Guest(registers, i + 2)),
            Worker(failures, i =>
            {
                _ = controller.PowerStates();
                if (i % 50 == 0)
                {
                    cpus.Pause();
                    cpus.Resume();
                }
            }),
        ];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(2)), "a stress thread hung (deadlock?)");
        }

        Assert.Empty(failures);
        Assert.True(notifications > 0);
        Assert.All(cpus.Slots, static s =>
        {
            CpuSlotState state = s.State;
            Assert.True(!state.IsEnabled || state.HasThread, $"slot {s.Index} is plugged without a thread");
        });
        cpus.StopAll();
        Assert.Empty(failures);
    }

    private static void ControlPlane(CpuHotplugController controller, int i)
    {
        int core = 1 + i % 3;
        var at = new CpuTopologyRequest(0, 0, core, 0);
        try
        {
            if (i % 2 == 0)
            {
                controller.Add("host-arm-cpu", $"cpu{core}-{i}", at);
            }
            else
            {
                controller.SetAdminState(null, null, at, enable: false);
            }
        }
        catch (MachineRequestException)
        {
            // Refusals (already plugged, still unplugging, not plugged) are part of the race.
        }
    }

    // One pass of what the guest's AML does: scan for an event, acknowledge it, eject on a remove,
    // report _OST.
    private static void Guest(CpuHotplugRegisters registers, int i)
    {
        Span<byte> word = stackalloc byte[4];
        Span<byte> flags = stackalloc byte[1];
        Write(registers, SelectorOrCommandData2, (uint)(i % 4), 4);
        Write(registers, Command, CommandNextCpuWithEvent, 1);
        registers.Read(CommandData, word);
        registers.Read(Flags, flags);
        if ((flags[0] & InsertEvent) != 0)
        {
            Write(registers, Flags, InsertEvent, 1);
        }

        if ((flags[0] & RemoveEvent) != 0)
        {
            Write(registers, Flags, RemoveEvent, 1);
            Write(registers, Flags, EjectRequest, 1);
        }

        Write(registers, Command, CommandOstEvent, 1);
        Write(registers, CommandData, 0x103, 4);
        Write(registers, Command, CommandOstStatus, 1);
        Write(registers, CommandData, 0, 4);
        Write(registers, Command, CommandGetArchId, 1);
        registers.Read(CommandData, word);
    }

    private static void Write(CpuHotplugRegisters registers, uint offset, uint value, int size)
    {
        Span<byte> data = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data, value);
        registers.Write(offset, data[..size]);
    }

    private static Thread Worker(List<Exception> failures, Action<int> step) => new(() =>
    {
        try
        {
            for (int i = 0; i < Iterations; i++)
            {
                step(i);
            }
        }
        catch (Exception e)
        {
            Record(failures, e);
        }
    });

    private static void Record(List<Exception> failures, Exception e)
    {
        lock (failures)
        {
            failures.Add(e);
        }
    }

    private sealed class ContinueHandler : IVcpuExitHandler
    {
        public VcpuExitAction HandleExit(CpuSlot slot) => VcpuExitAction.Continue;
    }
}
