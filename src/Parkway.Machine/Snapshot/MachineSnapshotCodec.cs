using System.Text;
using Parkway.Machine.Config;

namespace Parkway.Machine.Snapshot;

/// <summary>
/// Turns a <see cref="MachineSnapshot"/> into the file's sections and back (docs/snapshot.md has
/// each section's field order). Little-endian integers; strings are a 32-bit byte count and UTF-8;
/// an absent value is a zero byte, a present one a one byte and the value.
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
        WriteString(w, m.KernelPath);
        WriteOptionalString(w, m.InitramfsPath);
        WriteString(w, m.Cmdline);
    }

    private static SnapshotMachineConfig ReadMachine(BinaryReader r)
    {
        int boot = r.ReadInt32(), max = r.ReadInt32();
        var topology = new CpuTopology(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
        bool hotpluggableBoot = r.ReadBoolean();
        ulong memory = r.ReadUInt64();
        bool acpi = r.ReadBoolean();
        string kernel = ReadString(r);
        string? initrd = ReadOptionalString(r);
        string cmdline = ReadString(r);
        if (boot < 1 || max < boot || max > CpuConfig.AbsoluteMaxCpus || topology.Count != max)
        {
            throw new SnapshotFormatException($"corrupt snapshot (Machine section: boot={boot}, max={max}, {topology})");
        }

        return new SnapshotMachineConfig(boot, max, topology, hotpluggableBoot, memory, acpi, kernel, initrd, cmdline);
    }

    private static void WriteCpus(BinaryWriter w, IReadOnlyList<CpuSlotSnapshot> cpus)
    {
        w.Write(cpus.Count);
        foreach (CpuSlotSnapshot c in cpus)
        {
            w.Write(c.Index);
            w.Write(c.ArchId);
            w.Write(c.IsEnabled);
            w.Write(c.IsInserting);
            w.Write(c.IsRemovePending);
            w.Write(c.IsRemoving);
            w.Write(c.IsPoweredOn);
            WriteOptionalString(w, c.DeviceId);
            w.Write(c.UnplugRequestedAt.HasValue);
            if (c.UnplugRequestedAt is { } at)
            {
                w.Write(at.UtcTicks);
            }

            w.Write(c.LastOst.HasValue);
            if (c.LastOst is { } ost)
            {
                w.Write(ost.Event);
                w.Write(ost.Status);
            }

            w.Write(c.MpState);
            w.Write(c.Registers.Count);
            foreach (VcpuRegister register in c.Registers)
            {
                w.Write(register.Id);
                w.Write(register.Value.Length);
                w.Write(register.Value);
            }
        }
    }

    private static List<CpuSlotSnapshot> ReadCpus(BinaryReader r)
    {
        int count = Count(r, CpuConfig.AbsoluteMaxCpus);
        var cpus = new List<CpuSlotSnapshot>(count);
        for (int i = 0; i < count; i++)
        {
            int index = r.ReadInt32();
            ulong archId = r.ReadUInt64();
            bool enabled = r.ReadBoolean(), inserting = r.ReadBoolean(), removePending = r.ReadBoolean(), removing = r.ReadBoolean(), poweredOn = r.ReadBoolean();
            string? deviceId = ReadOptionalString(r);
            DateTimeOffset? unplugAt = r.ReadBoolean() ? new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero) : null;
            (uint, uint)? ost = r.ReadBoolean() ? (r.ReadUInt32(), r.ReadUInt32()) : null;
            uint mpState = r.ReadUInt32();
            int registerCount = Count(r, 1 << 16);
            var registers = new List<VcpuRegister>(registerCount);
            for (int j = 0; j < registerCount; j++)
            {
                ulong id = r.ReadUInt64();
                int length = Count(r, 256);
                registers.Add(new VcpuRegister(id, Bytes(r, length)));
            }

            cpus.Add(new CpuSlotSnapshot(index, archId, enabled, inserting, removePending, removing, poweredOn, deviceId, unplugAt, ost, mpState, registers));
        }

        return cpus;
    }

    private static void WriteGic(BinaryWriter w, GicSnapshot gic)
    {
        WriteRegisters(w, gic.Distributor);
        w.Write(gic.Cpus.Count);
        foreach (GicCpuSnapshot cpu in gic.Cpus)
        {
            w.Write(cpu.Mpidr);
            WriteRegisters(w, cpu.Redistributor);
            w.Write(cpu.CpuInterface.Count);
            foreach (GicSystemRegisterValue register in cpu.CpuInterface)
            {
                w.Write(register.Encoding);
                w.Write(register.Value);
            }
        }

        WriteRegisters(w, gic.LineLevels);
    }

    private static GicSnapshot ReadGic(BinaryReader r)
    {
        List<GicRegisterValue> distributor = ReadRegisters(r);
        int count = Count(r, CpuConfig.AbsoluteMaxCpus);
        var cpus = new List<GicCpuSnapshot>(count);
        for (int i = 0; i < count; i++)
        {
            ulong mpidr = r.ReadUInt64();
            List<GicRegisterValue> redistributor = ReadRegisters(r);
            int sysregCount = Count(r, 256);
            var sysregs = new List<GicSystemRegisterValue>(sysregCount);
            for (int j = 0; j < sysregCount; j++)
            {
                sysregs.Add(new GicSystemRegisterValue(r.ReadUInt64(), r.ReadUInt64()));
            }

            cpus.Add(new GicCpuSnapshot(mpidr, redistributor, sysregs));
        }

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
            w.Write(acpi.OstEvents.Count);
            foreach (uint ost in acpi.OstEvents)
            {
                w.Write(ost);
            }
        }
    }

    private static DeviceSnapshot ReadDevices(BinaryReader r)
    {
        var uart = new Pl011State(r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32(), r.ReadUInt32());
        AcpiDevicesState? acpi = null;
        if (r.ReadBoolean())
        {
            uint ged = r.ReadUInt32(), selector = r.ReadUInt32();
            byte command = r.ReadByte();
            int count = Count(r, CpuConfig.AbsoluteMaxCpus);
            uint[] ost = new uint[count];
            for (int i = 0; i < count; i++)
            {
                ost[i] = r.ReadUInt32();
            }

            acpi = new AcpiDevicesState(ged, selector, command, ost);
        }

        return new DeviceSnapshot(uart, acpi);
    }

    private static void WriteRegisters(BinaryWriter w, IReadOnlyList<GicRegisterValue> registers)
    {
        w.Write(registers.Count);
        foreach (GicRegisterValue register in registers)
        {
            w.Write(register.Offset);
            w.Write(register.Value);
        }
    }

    private static List<GicRegisterValue> ReadRegisters(BinaryReader r)
    {
        int count = Count(r, 1 << 16);
        var registers = new List<GicRegisterValue>(count);
        for (int i = 0; i < count; i++)
        {
            registers.Add(new GicRegisterValue(r.ReadUInt32(), r.ReadUInt32()));
        }

        return registers;
    }

    private static int Count(BinaryReader r, int max)
    {
        int count = r.ReadInt32();
        return count >= 0 && count <= max ? count : throw new SnapshotFormatException($"corrupt snapshot (a count of {count}, at most {max} expected)");
    }

    private static byte[] Bytes(BinaryReader r, int length)
    {
        byte[] bytes = r.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new EndOfStreamException("section ends inside a value");
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static string ReadString(BinaryReader r) =>
        new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Bytes(r, Count(r, 1 << 20)));

    private static void WriteOptionalString(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            WriteString(w, value);
        }
    }

    private static string? ReadOptionalString(BinaryReader r) => r.ReadBoolean() ? ReadString(r) : null;
}
