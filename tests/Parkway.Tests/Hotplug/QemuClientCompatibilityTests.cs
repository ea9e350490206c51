using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Machine;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Hotplug;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Hotplug;

/// <summary>
/// What QEMU's own clients send and expect back (issue 11, point 6): a missing cluster-id on a
/// machine with one cluster, and the QOM paths of CPUs plugged without an id.
/// </summary>
public sealed class QemuClientCompatibilityTests
{
    private readonly FakeVcpuArchitecture _architecture = new();

    private CpuHotplugController Controller(string cpus, out CpuManager manager)
    {
        manager = CpuManager.CreateAll(null!, CpuConfig.Parse(cpus), _architecture, NullLogger.Instance);
        return new CpuHotplugController(manager, Arm64VirtMachine.Arm64CpuModel, notifyGuest: static () => { });
    }

    [Fact]
    public void A_missing_cluster_id_is_0_when_the_machine_has_one_cluster()
    {
        CpuHotplugController controller = Controller("boot=1,max=4,sockets=1,clusters=1,cores=4,threads=1", out CpuManager cpus);

        controller.Add("host-arm-cpu", "cpu2", new CpuTopologyRequest(0, null, 2, 0));

        Assert.True(cpus.Slots[2].IsEnabled);
    }

    [Fact]
    public void A_missing_cluster_id_is_still_an_error_when_there_are_several_clusters()
    {
        CpuHotplugController controller = Controller("boot=1,max=4,sockets=1,clusters=2,cores=2,threads=1", out CpuManager cpus);

        var error = Assert.Throws<MachineRequestException>(() => controller.Add("host-arm-cpu", "cpu2", new CpuTopologyRequest(0, null, 1, 0)));

        Assert.Equal("CPU cluster-id is not set", error.Message);
        Assert.Equal(1, cpus.Slots.Count(static s => s.IsEnabled));
    }

    [Theory]
    [InlineData(null, 2, 0, "CPU socket-id is not set")]
    [InlineData(0, null, 0, "CPU core-id is not set")]
    [InlineData(0, 2, null, "CPU thread-id is not set")]
    public void The_levels_qemu_always_required_stay_required_even_with_one_member(int? socket, int? core, int? thread, string message)
    {
        CpuHotplugController controller = Controller("boot=1,max=4,sockets=1,clusters=1,cores=4,threads=1", out _);

        var error = Assert.Throws<MachineRequestException>(() => controller.Add("host-arm-cpu", "c", new CpuTopologyRequest(socket, 0, core, thread)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Cpus_plugged_without_an_id_are_numbered_device_N_in_plug_order_under_peripheral_anon()
    {
        CpuHotplugController controller = Controller("boot=1,max=4", out CpuManager cpus);
        var deleted = new List<string>();
        cpus.Unplugged += slot => deleted.Add(controller.DevicePath(slot));

        controller.Add("host-arm-cpu", null, new CpuTopologyRequest(0, 0, 3, 0));
        controller.Add("host-arm-cpu", "named", new CpuTopologyRequest(0, 0, 1, 0));
        controller.Add("host-arm-cpu", null, new CpuTopologyRequest(0, 0, 2, 0));

        Assert.Equal("/machine/peripheral-anon/device[0]", controller.PluggedCpus().Single(static v => v.Index == 3).QomPath);
        Assert.Equal("/machine/peripheral/named", controller.PluggedCpus().Single(static v => v.Index == 1).QomPath);
        Assert.Equal("/machine/peripheral-anon/device[1]", controller.PluggedCpus().Single(static v => v.Index == 2).QomPath);

        // device_del by that path, and DEVICE_DELETED's path after the guest ejects.
        controller.Delete("/machine/peripheral-anon/device[1]");
        Assert.True(cpus.Eject(2));
        Assert.Equal(["/machine/peripheral-anon/device[1]"], deleted);

        // A new anonymous plug gets the next number, as in QEMU (numbers are not reused).
        controller.Add("host-arm-cpu", null, new CpuTopologyRequest(0, 0, 2, 0));
        Assert.Equal("/machine/peripheral-anon/device[2]", controller.PluggedCpus().Single(static v => v.Index == 2).QomPath);
    }
}
