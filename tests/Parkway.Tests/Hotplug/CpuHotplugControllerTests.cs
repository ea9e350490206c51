using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Machine;
using Parkway.Machine.Arm64;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Hotplug;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Hotplug;

/// <summary>
/// The plug/unplug state machine and QEMU's request validation, with a fake architecture (no KVM,
/// no vCPU threads). Slot layout: boot=1, max=4, topology 1 socket × 2 clusters × 2 cores × 1 thread.
/// </summary>
public sealed class CpuHotplugControllerTests
{
    private readonly FakeVcpuArchitecture _architecture = new();
    private readonly CpuManager _cpus;
    private readonly CpuHotplugController _controller;
    private int _notifications;

    public CpuHotplugControllerTests()
    {
        CpuConfig config = CpuConfig.Parse("boot=1,max=4,sockets=1,clusters=2,cores=2,threads=1");
        _cpus = CpuManager.CreateAll(null!, config, _architecture, NullLogger.Instance);
        _controller = new CpuHotplugController(_cpus, Arm64VirtMachine.Arm64CpuModel, notifyGuest: () => _notifications++);
    }

    private static CpuTopologyRequest At(int cluster, int core) => new(0, cluster, core, 0);

    [Fact]
    public void Every_slot_is_created_and_only_the_boot_cpu_is_enabled()
    {
        Assert.Equal(4, _cpus.CreatedCount);
        Assert.Equal([true, false, false, false], _cpus.Slots.Select(static s => s.IsEnabled));
        Assert.Equal([0x8000_0000UL, 0x8000_0001UL, 0x8000_0002UL, 0x8000_0003UL], _cpus.Slots.Select(static s => s.ArchId));
    }

    [Fact]
    public void Add_enables_the_addressed_slot_marks_it_inserting_resets_its_vcpu_and_notifies_the_guest()
    {
        _controller.Add("host-arm-cpu", "cpu3", At(cluster: 1, core: 1));

        CpuSlot slot = _cpus.Slots[3];
        Assert.True(slot.IsEnabled);
        Assert.True(slot.IsInserting);
        Assert.Equal("cpu3", slot.DeviceId);
        Assert.Equal([3], _architecture.Resets);
        Assert.Equal(1, _notifications);
        Assert.Equal("/machine/peripheral/cpu3", _controller.PluggedCpus().Single(static v => v.Index == 3).QomPath);
    }

    [Theory]
    [InlineData("cortex-a57-arm-cpu", "c", 0, 0, 1, 0, "'cortex-a57-arm-cpu' is not a valid device model name")]
    [InlineData("host-arm-cpu", "c", null, 0, 1, 0, "CPU socket-id is not set")]
    [InlineData("host-arm-cpu", "c", 0, null, 1, 0, "CPU cluster-id is not set")]
    [InlineData("host-arm-cpu", "c", 0, 0, null, 0, "CPU core-id is not set")]
    [InlineData("host-arm-cpu", "c", 0, 0, 1, null, "CPU thread-id is not set")]
    [InlineData("host-arm-cpu", "c", 1, 0, 1, 0, "Invalid CPU socket-id: 1 must be in range 0:0")]
    [InlineData("host-arm-cpu", "c", 0, 2, 1, 0, "Invalid CPU cluster-id: 2 must be in range 0:1")]
    [InlineData("host-arm-cpu", "c", 0, 0, -1, 0, "Invalid CPU core-id: -1 must be in range 0:1")]
    [InlineData("host-arm-cpu", "c", 0, 0, 0, 0, "CPU[0] with MPIDR 0x80000000 exists")]
    public void Add_refuses_bad_requests_with_qemus_text_and_changes_nothing(string driver, string id, int? socket, int? cluster, int? core, int? thread, string message)
    {
        var error = Assert.Throws<MachineRequestException>(() => _controller.Add(driver, id, new CpuTopologyRequest(socket, cluster, core, thread)));

        Assert.Equal(MachineErrorKind.Generic, error.Kind);
        Assert.Equal(message, error.Message);
        Assert.Equal(1, _cpus.Slots.Count(static s => s.IsEnabled));
        Assert.Equal(0, _notifications);
    }

    [Fact]
    public void A_duplicate_id_is_refused()
    {
        _controller.Add("host-arm-cpu", "cpu1", At(0, 1));

        var error = Assert.Throws<MachineRequestException>(() => _controller.Add("host-arm-cpu", "cpu1", At(1, 0)));

        Assert.Equal("Duplicate device ID 'cpu1'", error.Message);
        Assert.False(_cpus.Slots[2].IsEnabled);
    }

    [Fact]
    public void Delete_of_the_boot_cpu_and_of_unknown_ids_is_refused()
    {
        Assert.Equal("Boot CPU(id0=0:0:0:0) hot-unplug not supported",
            Assert.Throws<MachineRequestException>(() => _controller.Delete("/machine/unattached/device[0]")).Message);
        var missing = Assert.Throws<MachineRequestException>(() => _controller.Delete("nosuch"));
        Assert.Equal(MachineErrorKind.DeviceNotFound, missing.Kind);
        Assert.Equal("Device 'nosuch' not found", missing.Message);
    }

    [Fact]
    public void Unplug_is_a_request_until_the_guest_ejects_and_repeating_it_renotifies()
    {
        _controller.Add("host-arm-cpu", "cpu1", At(0, 1));
        _cpus.ClearInsert(1);

        _controller.Delete("cpu1");
        _controller.Delete("cpu1");

        CpuSlot slot = _cpus.Slots[1];
        Assert.True(slot.IsEnabled);
        Assert.True(slot.IsRemovePending);
        Assert.Equal(3, _notifications);
        Assert.True(_controller.PowerStates()[1].UnplugPending);
    }

    [Fact]
    public void Eject_completes_only_a_requested_unplug_and_never_a_boot_cpu()
    {
        _controller.Add("host-arm-cpu", "cpu1", At(0, 1));
        var unplugged = new List<int>();
        _cpus.Unplugged += slot => unplugged.Add(slot.Index);

        Assert.False(_cpus.Eject(0));
        Assert.False(_cpus.Eject(1));
        Assert.False(_cpus.Eject(99));

        _controller.Delete("cpu1");
        _cpus.ClearRemove(1); // the guest acknowledges the event before _EJ0
        Assert.True(_cpus.Eject(1));

        Assert.False(_cpus.Slots[1].IsEnabled);
        Assert.Equal([1], unplugged);
        Assert.DoesNotContain(_controller.PluggedCpus(), static v => v.Index == 1);
    }

    [Fact]
    public void A_parked_slot_can_be_plugged_again_and_keeps_its_mpidr()
    {
        _controller.Add("host-arm-cpu", "cpu1", At(0, 1));
        _controller.Delete("cpu1");
        _cpus.Eject(1);

        _controller.Add("host-arm-cpu", "again", At(0, 1));

        Assert.True(_cpus.Slots[1].IsEnabled);
        Assert.Equal(0x8000_0001UL, _cpus.Slots[1].ArchId);
        Assert.Equal([1, 1], _architecture.Resets);
    }

    [Fact]
    public void Device_set_disable_then_enable_goes_through_the_same_states()
    {
        _controller.SetAdminState("host-arm-cpu", "cpu2", At(1, 0), enable: true);
        Assert.True(_cpus.Slots[2].IsEnabled);

        _controller.SetAdminState(null, "cpu2", new CpuTopologyRequest(null, null, null, null), enable: false);
        Assert.True(_cpus.Slots[2].IsRemovePending);

        _cpus.Eject(2);
        _controller.SetAdminState(null, null, At(1, 0), enable: true);
        Assert.True(_cpus.Slots[2].IsEnabled);
    }

    [Fact]
    public void Guest_power_on_is_denied_for_parked_slots_and_unknown_ids()
        // (ALREADY_ON and a successful CPU_ON need running vCPU threads: PsciPolicyTests, on real KVM.)
    {
        Assert.Equal(CpuPowerOnResult.Denied, _cpus.PowerOn(_cpus.Slots[3], 0x4000_0000, 0));
        Assert.Equal(CpuPowerOnResult.NoSuchCpu, _cpus.PowerOn(_cpus.FindByArchId(0x42, 0xFF_00FF_FFFF), 0x4000_0000, 0));
    }

    [Fact]
    public void Without_acpi_nothing_can_be_plugged_or_unplugged()
    {
        var noAcpi = new CpuHotplugController(_cpus, Arm64VirtMachine.Arm64CpuModel, notifyGuest: null);

        Assert.StartsWith("CPU hotplug not supported on this machine",
            Assert.Throws<MachineRequestException>(() => noAcpi.Add("host-arm-cpu", "x", At(0, 1))).Message, StringComparison.Ordinal);
        Assert.False(_cpus.Slots[1].IsEnabled);
    }
}
