using System.Text;
using Parkway.Machine.Config;

namespace Parkway.Machine.Snapshot;

/// <summary>
/// Turns a <see cref="MachineSnapshot"/> into the file's sections and back (docs/snapshot.md has
/// each section's field order). Little-endian integers; lists, strings and optional values as in
/// <see cref="SnapshotBinary"/>.
/// </summary>
public static class MachineSnapshotCodec
{
    /// <summary>The sections of <paramref name="snapshot"/>.</summary>
    public static IReadOnlyList<SnapshotSection> Encode(MachineSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return
        [
            new(SnapshotSectionType.Machine, Build(w => WriteMachine(w, snapshot.Machine))),
            new(SnapshotSectionType.Cpus, Build(w => WriteCpus(w, snapshot.Cpus))),
            new(SnapshotSectionType.InterruptController, Build(w => WriteGic(w, snapshot.InterruptController))),
            new(SnapshotSectionType.Devices, Build(w => WriteDevices(w, snapshot.Devices))),
        ];
    }

    /// <summary>Decodes the sections <paramref name="section"/> returns by type.</summary>
    public static MachineSnapshot Decode(Func<SnapshotSectionType, byte[]> section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new MachineSnapshot(
            Parse(section(SnapshotSectionType.Machine), SnapshotSectionType.Machine, ReadMachine),
            Parse(section(SnapshotSectionType.Cpus), SnapshotSectionType.Cpus, ReadCpus),
            Parse(section(SnapshotSectionType.InterruptController), SnapshotSectionType.InterruptController, ReadGic),
            Parse(section(SnapshotSectionType.Devices), SnapshotSectionType.Devices, ReadDevices));
    }

    private static byte[] Build(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }

        return stream.ToArray();
    }

    private static T Parse<T>(byte[] payload, SnapshotSectionType type, Func<BinaryReader, T> read)
    {
        using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
        try
        {
            T value = read(reader);
            if (reader.BaseStream.Position != payload.Length)
            {
                throw new SnapshotFormatException($"corrupt snapshot ({type} section has {payload.Length - reader.BaseStream.Position} bytes left over)");
            }

            return value;
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or DecoderFallbackException or FormatException or OverflowException)
        {
            throw new SnapshotFormatException($"corrupt snapshot ({type} section: {e.Message})", e);
        }
    }

    private static void WriteMachine(BinaryWriter w, SnapshotMachineConfig m)
    {
        w.Write(m.Boot);
        w.Write(m.Max);
        w.Write(m.Topology.Sockets);
        w.Write(m.Topology.Clusters);
        w.Write(m.Topology.Cores);
        w.Write(m.Topology.Threads);
        w.Write(m.HotpluggableBoot);
        w.Write(m.MemoryBytes);
        w.Write(m.Acpi);
        w.WriteText(m.KernelPath);
        w.WriteOptionalText(m.InitramfsPath);
        w.WriteText(m.Cmdline);
    }

    private static SnapshotMachineConfig ReadMachine(BinaryReader r)
    {
        int boot = r.ReadInt32(), max = r.ReadInt32();
        var topology = new CpuTopology(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
        bool hotpluggableBoot = r.ReadBoolean();
        ulong memory = r.ReadUInt64();
        bool acpi = r.ReadBoolean();
        string kernel = r.ReadText();
        string? initrd = r.ReadOptionalText();
        string cmdline = r.ReadText();
        if (boot < 1 || max < boot || max > CpuConfig.AbsoluteMaxCpus || topology.Count != max)
        {
            throw new SnapshotFormatException($"corrupt snapshot (Machine section: boot={boot}, max={max}, {topology})");
        }

        return new SnapshotMachineConfig(boot, max, topology, hotpluggableBoot, memory, acpi, kernel, initrd, cmdline);
    }

    private static void WriteCpus(BinaryWriter w, IReadOnlyList<CpuSlotSnapshot> cpus) => w.WriteList(cpus, WriteCpu);

    private static List<CpuSlotSnapshot> ReadCpus(BinaryReader r) => r.ReadList(CpuConfig.AbsoluteMaxCpus, ReadCpu);

    private static void WriteCpu(BinaryWriter w, CpuSlotSnapshot c)
    {
        w.Write(c.Index);
        w.Write(c.ArchId);
        w.Write(c.IsEnabled);
        w.Write(c.IsInserting);
        w.Write(c.IsRemovePending);
        w.Write(c.IsRemoving);
        w.Write(c.IsPoweredOn);
        w.WriteOptionalText(c.DeviceId);
        w.WriteOptional(c.UnplugRequestedAt, static (w, at) => w.Write(at.UtcTicks));
        w.WriteOptional(c.UnplugDeadlineRemaining, static (w, left) => w.Write(left.Ticks));
        w.WriteOptional(c.LastOst, static (w, ost) =>
        {
            w.Write(ost.Event);
            w.Write(ost.Status);
        });
        w.Write(c.MpState);
        w.WriteList(c.Registers, static (w, register) =>
        {
            w.Write(register.Id);
            w.Write(register.Value.Length);
            w.Write(register.Value);
        });
    }

    private static CpuSlotSnapshot ReadCpu(BinaryReader r)
    {
        int index = r.ReadInt32();
        ulong archId = r.ReadUInt64();
        bool enabled = r.ReadBoolean(), inserting = r.ReadBoolean(), removePending = r.ReadBoolean(), removing = r.ReadBoolean(), poweredOn = r.ReadBoolean();
        string? deviceId = r.ReadOptionalText();
        DateTimeOffset? unplugAt = r.ReadOptional(static r => new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero));
        TimeSpan? deadlineLeft = r.ReadOptional(static r => TimeSpan.FromTicks(r.ReadInt64()));
        if (deadlineLeft < TimeSpan.Zero)
        {
            throw new SnapshotFormatException($"corrupt snapshot (Cpus section: slot {index} has {deadlineLeft} left of its unplug deadline)");
        }

        (uint, uint)? ost = r.ReadOptional(static r => (r.ReadUInt32(), r.ReadUInt32()));
        uint mpState = r.ReadUInt32();
        List<VcpuRegister> registers = r.ReadList(1 << 16, static r => new VcpuRegister(r.ReadUInt64(), r.ReadBytesExactly(r.ReadCount(256))));
        return new CpuSlotSnapshot(index, archId, enabled, inserting, removePending, removing, poweredOn, deviceId, unplugAt, ost, mpState, registers, deadlineLeft);
    }

    private static void WriteGic(BinaryWriter w, GicSnapshot gic)
    {
        WriteRegisters(w, gic.Distributor);
        w.WriteList(gic.Cpus, static (w, cpu) =>
        {
            w.Write(cpu.Mpidr);
            WriteRegisters(w, cpu.Redistributor);
            w.WriteList(cpu.CpuInterface, static (w, register) =>
            {
                w.Write(register.Encoding);
                w.Write(register.Value);
            });
        });
        WriteRegisters(w, gic.LineLevels);
    }

    private static GicSnapshot ReadGic(BinaryReader r)
    {
        List<GicRegisterValue> distributor = ReadRegisters(r);
        List<GicCpuSnapshot> cpus = r.ReadList(CpuConfig.AbsoluteMaxCpus, static r => new GicCpuSnapshot(
            r.ReadUInt64(),
            ReadRegisters(r),
            r.ReadList(256, static r => new GicSystemRegisterValue(r.ReadUInt64(), r.ReadUInt64()))));
        return new GicSnapshot(distributor, cpus, ReadRegisters(r));
    }

    private static void WriteDevices(BinaryWriter w, DeviceSnapshot devices)
    {
        Pl011State u = devices.Uart;
        foreach (uint value in (uint[])[u.InterruptMask, u.RawInterrupts, u.LineControl, u.Control, u.IntegerBaud, u.FractionalBaud, u.FifoLevel, u.DmaControl])
        {
            w.Write(value);
        }

        w.Write(devices.Acpi is not null);
        if (devices.Acpi is { } acpi)
        {
            w.Write(acpi.GedPendingEvents);
            w.Write(acpi.HotplugSelector);
            w.Write(acpi.HotplugCommand);
            w.WriteList(acpi.OstEvents, static (w, ost) => w.Write(ost));
        }

        VirtioSnapshotCodec.Write(w, devices.Virtio);
    }

    private static DeviceSnapshot ReadDevices(BinaryReader r)
    {
        var uart = new Pl011State(r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32());
        AcpiDevicesState? acpi = null;
        if (r.ReadBoolean())
        {
            uint ged = r.ReadUInt32(), selector = r.ReadUInt32();
            byte command = r.ReadByte();
            acpi = new AcpiDevicesState(ged, selector, command, r.ReadList(CpuConfig.AbsoluteMaxCpus, static r => r.ReadUInt32()));
        }

        return new DeviceSnapshot(uart, acpi, VirtioSnapshotCodec.Read(r));
    }

    private static void WriteRegisters(BinaryWriter w, IReadOnlyList<GicRegisterValue> registers) =>
        w.WriteList(registers, static (w, register) =>
        {
            w.Write(register.Offset);
            w.Write(register.Value);
        });

    private static List<GicRegisterValue> ReadRegisters(BinaryReader r) =>
        r.ReadList(1 << 16, static r => new GicRegisterValue(r.ReadUInt32(), r.ReadUInt32()));
}
