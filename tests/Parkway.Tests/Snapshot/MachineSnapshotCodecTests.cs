using Parkway.Machine.Config;
using Parkway.Machine.Snapshot;
using Parkway.Virtio.Devices.Block;
using Parkway.Virtio.Devices.Console;
using Parkway.Virtio.Devices.Net;
using Parkway.Virtio.Devices.Rng;
using Parkway.Virtio.Devices.Vsock;
using Parkway.Virtio.Queues;
using Parkway.Virtio.Transport;

namespace Parkway.Tests.Snapshot;

/// <summary>The sections' contents: a machine snapshot decodes to what was encoded, and damaged payloads are refused.</summary>
public sealed class MachineSnapshotCodecTests
{
    [Fact]
    public void A_machine_snapshot_reads_back_field_for_field()
    {
        MachineSnapshot snapshot = Sample();
        IReadOnlyList<SnapshotSection> sections = MachineSnapshotCodec.Encode(snapshot);
        MachineSnapshot decoded = MachineSnapshotCodec.Decode(type => sections.Single(s => s.Type == type).Payload);

        Assert.Equal(snapshot.Machine, decoded.Machine);
        Assert.Equal(snapshot.Devices.Uart, decoded.Devices.Uart);
        Assert.Equal(snapshot.Devices.Acpi!.OstEvents, decoded.Devices.Acpi!.OstEvents);
        Assert.Equal(snapshot.Devices.Acpi.HotplugSelector, decoded.Devices.Acpi.HotplugSelector);
        Assert.Equal(snapshot.Cpus.Count, decoded.Cpus.Count);
        for (int i = 0; i < snapshot.Cpus.Count; i++)
        {
            Assert.Equal(snapshot.Cpus[i] with { Registers = [] }, decoded.Cpus[i] with { Registers = [] });
            Assert.Equal(snapshot.Cpus[i].Registers.Select(r => (r.Id, Convert.ToHexString(r.Value))), decoded.Cpus[i].Registers.Select(r => (r.Id, Convert.ToHexString(r.Value))));
        }

        Assert.Equal(snapshot.InterruptController.Distributor, decoded.InterruptController.Distributor);
        Assert.Equal(snapshot.InterruptController.LineLevels, decoded.InterruptController.LineLevels);
        Assert.Equal(snapshot.InterruptController.Cpus[1].CpuInterface, decoded.InterruptController.Cpus[1].CpuInterface);
        Assert.Equal(snapshot.InterruptController.Cpus[1].Redistributor, decoded.InterruptController.Cpus[1].Redistributor);
        Assert.Equal(snapshot.Devices.Virtio.Count, decoded.Devices.Virtio.Count);
        for (int i = 0; i < snapshot.Devices.Virtio.Count; i++)
        {
            VirtioDeviceSnapshot was = snapshot.Devices.Virtio[i], now = decoded.Devices.Virtio[i];
            Assert.Equal(was.Device, now.Device);
            Assert.Equal(was.OfferedFeatures, now.OfferedFeatures);
            Assert.Equal(was.Transport with { Queues = [] }, now.Transport with { Queues = [] });
            Assert.Equal(was.Transport.Queues, now.Transport.Queues);
        }
    }

    [Fact]
    public void An_unknown_virtio_device_id_is_refused()
    {
        IReadOnlyList<SnapshotSection> sections = MachineSnapshotCodec.Encode(Sample() with { Devices = Sample().Devices with { Virtio = [] } });
        byte[] devices = sections.Single(s => s.Type == SnapshotSectionType.Devices).Payload;
        // The virtio count is the last field when there are none: claim one device of id 77.
        byte[] damaged = [.. devices[..^4], 1, 0, 0, 0, 77, 0, 0, 0];
        var error = Assert.Throws<SnapshotFormatException>(() => MachineSnapshotCodec.Decode(type => type == SnapshotSectionType.Devices ? damaged : sections.Single(s => s.Type == type).Payload));
        Assert.Contains("unknown virtio device id 77", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_or_long_payload_is_refused_naming_the_section()
    {
        IReadOnlyList<SnapshotSection> sections = MachineSnapshotCodec.Encode(Sample());
        foreach (SnapshotSection damaged in sections)
        {
            foreach (byte[] payload in (byte[][])[damaged.Payload[..^1], [.. damaged.Payload, 0]])
            {
                var error = Assert.Throws<SnapshotFormatException>(() => MachineSnapshotCodec.Decode(type => type == damaged.Type ? payload : sections.Single(s => s.Type == type).Payload));
                Assert.Contains(damaged.Type.ToString(), error.Message, StringComparison.Ordinal);
            }
        }
    }

    private static MachineSnapshot Sample() => new(
        new SnapshotMachineConfig(1, 4, new CpuTopology(1, 1, 4, 1), false, 256UL << 20, true, "/guest/Image", "/guest/initrd", "console=ttyAMA0 parkway.watch"),
        [
            new CpuSlotSnapshot(0, 0x8000_0000, true, false, false, false, true, null, null, null, 0, [new VcpuRegister(0x6030_0000_0010_0040, [1, 2, 3, 4, 5, 6, 7, 8]), new VcpuRegister(0x6040_0000_0010_0054, new byte[16])]),
            new CpuSlotSnapshot(1, 0x8000_0001, true, false, true, true, true, "cpu1", new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), (3u, 0x84u), 0, [], TimeSpan.FromSeconds(12.5)),
            new CpuSlotSnapshot(2, 0x8000_0002, false, false, false, false, false, null, null, null, 5, []),
        ],
        new GicSnapshot(
            [new GicRegisterValue(0, 0x12), new GicRegisterValue(0x100, 0xFFFF_0000)],
            [new GicCpuSnapshot(0x8000_0000, [new GicRegisterValue(0x10100, 1)], []), new GicCpuSnapshot(0x8000_0001, [], [new GicSystemRegisterValue(0xC230, 0xF0)])],
            [new GicRegisterValue(32, 2)]),
        new DeviceSnapshot(new Pl011State(0x50, 0x20, 0x70, 0x301, 13, 1, 0x12, 0), new AcpiDevicesState(2, 1, 0, [0, 3, 0, 0]),
        [
            new VirtioDeviceSnapshot(new BlockDeviceState("/images/root.img", false, "SERIAL-1", 16384), 0x3_3000_0244, Transport(1)),
            new VirtioDeviceSnapshot(new NetDeviceState(MacAddress.Default(0), "tap0"), 0x1_3001_0020, Transport(2)),
            new VirtioDeviceSnapshot(new ConsoleDeviceState(3), 0x1_3000_0000, Transport(2)),
            new VirtioDeviceSnapshot(new RngDeviceState(), 0x1_3000_0000, Transport(1)),
            new VirtioDeviceSnapshot(new VsockDeviceState(42, "/run/v.sock"), 0x1_3000_0000, Transport(3)),
        ]));

    private static VirtioMmioState Transport(int queues) => new(1, 1, 0x1_3000_0004, (uint)queues - 1,
        DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk, 1, 2,
        [.. Enumerable.Range(0, queues).Select(i => new VirtqueueState(256, i % 2 == 0, 0x4000_0000UL + ((ulong)i << 16), 0x4000_1000UL + ((ulong)i << 16), 0x4000_2000UL + ((ulong)i << 16), (ushort)(65530 + i), (ushort)(7 * i)))]);
}
