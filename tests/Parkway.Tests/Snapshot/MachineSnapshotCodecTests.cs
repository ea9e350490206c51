using Parkway.Machine.Config;
using Parkway.Machine.Snapshot;

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
            new CpuSlotSnapshot(1, 0x8000_0001, true, false, true, true, true, "cpu1", new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), (3u, 0x84u), 0, []),
            new CpuSlotSnapshot(2, 0x8000_0002, false, false, false, false, false, null, null, null, 5, []),
        ],
        new GicSnapshot(
            [new GicRegisterValue(0, 0x12), new GicRegisterValue(0x100, 0xFFFF_0000)],
            [new GicCpuSnapshot(0x8000_0000, [new GicRegisterValue(0x10100, 1)], []), new GicCpuSnapshot(0x8000_0001, [], [new GicSystemRegisterValue(0xC230, 0xF0)])],
            [new GicRegisterValue(32, 2)]),
        new DeviceSnapshot(new Pl011State(0x50, 0x20, 0x70, 0x301, 13, 1, 0x12, 0), new AcpiDevicesState(2, 1, 0, [0, 3, 0, 0])));
}
