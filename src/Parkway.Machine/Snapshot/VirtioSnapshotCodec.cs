using Parkway.Virtio.Description;
using Parkway.Virtio.Devices;
using Parkway.Virtio.Devices.Block;
using Parkway.Virtio.Devices.Console;
using Parkway.Virtio.Devices.Net;
using Parkway.Virtio.Devices.Rng;
using Parkway.Virtio.Devices.Vsock;
using Parkway.Virtio.Queues;
using Parkway.Virtio.Transport;

namespace Parkway.Machine.Snapshot;

/// <summary>
/// The virtio part of the Devices section (docs/snapshot.md, format version 2): a count, then per
/// device in slot order its kind (the DeviceID), its own fields, the features it offered, and its
/// transport's record with every queue.
/// </summary>
internal static class VirtioSnapshotCodec
{
    /// <summary>Most queues one device may declare (vsock has 3; a corrupt count must not allocate wildly).</summary>
    private const int MaxQueues = 64;

    public static void Write(BinaryWriter w, IReadOnlyList<VirtioDeviceSnapshot> devices) =>
        w.WriteList(devices, static (w, device) =>
        {
            WriteDevice(w, device.Device);
            w.Write(device.OfferedFeatures);
            WriteTransport(w, device.Transport);
        });

    public static List<VirtioDeviceSnapshot> Read(BinaryReader r) =>
        r.ReadList(VirtioMmioSlot.Count, static r => new VirtioDeviceSnapshot(ReadDevice(r), r.ReadUInt64(), ReadTransport(r)));

    /// <summary>The DeviceID of a device's state record.</summary>
    public static VirtioDeviceType KindOf(VirtioDeviceState state) => state switch
    {
        BlockDeviceState => VirtioDeviceType.Block,
        NetDeviceState => VirtioDeviceType.Net,
        ConsoleDeviceState => VirtioDeviceType.Console,
        RngDeviceState => VirtioDeviceType.Rng,
        VsockDeviceState => VirtioDeviceType.Vsock,
        _ => throw new ArgumentException($"no snapshot encoding for {state.GetType().Name}", nameof(state)),
    };

    private static void WriteDevice(BinaryWriter w, VirtioDeviceState state)
    {
        w.Write((uint)KindOf(state));
        switch (state)
        {
            case BlockDeviceState block:
                w.WriteText(block.Path);
                w.Write(block.ReadOnly);
                w.WriteOptionalText(block.Serial);
                w.Write(block.CapacitySectors);
                break;
            case NetDeviceState net:
                w.Write(net.Mac.Bytes);
                w.WriteOptionalText(net.Tap);
                break;
            case ConsoleDeviceState console:
                w.Write(console.PendingInputBytes);
                break;
            case VsockDeviceState vsock:
                w.Write(vsock.GuestCid);
                w.WriteText(vsock.SocketPath);
                break;
            default:
                break; // rng: nothing of its own
        }
    }

    private static VirtioDeviceState ReadDevice(BinaryReader r)
    {
        uint kind = r.ReadUInt32();
        switch ((VirtioDeviceType)kind)
        {
            case VirtioDeviceType.Block:
                return new BlockDeviceState(r.ReadText(), r.ReadBoolean(), r.ReadOptionalText(), r.ReadUInt64());
            case VirtioDeviceType.Net:
                byte[] mac = r.ReadBytesExactly(6);
                string text = string.Join(':', mac.Select(static b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
                if (!MacAddress.TryParse(text, out MacAddress address))
                {
                    throw new SnapshotFormatException($"corrupt snapshot (Devices section: MAC address {text})");
                }

                return new NetDeviceState(address, r.ReadOptionalText());
            case VirtioDeviceType.Console:
                return new ConsoleDeviceState(r.ReadInt32());
            case VirtioDeviceType.Rng:
                return new RngDeviceState();
            case VirtioDeviceType.Vsock:
                return new VsockDeviceState(r.ReadUInt64(), r.ReadText());
            default:
                throw new SnapshotFormatException($"corrupt snapshot (Devices section: unknown virtio device id {kind})");
        }
    }

    private static void WriteTransport(BinaryWriter w, VirtioMmioState t)
    {
        w.Write(t.DeviceFeaturesSel);
        w.Write(t.DriverFeaturesSel);
        w.Write(t.DriverFeatures);
        w.Write(t.QueueSel);
        w.Write((uint)t.Status);
        w.Write(t.InterruptStatus);
        w.Write(t.ConfigGeneration);
        w.WriteList(t.Queues, static (w, q) =>
        {
            w.Write(q.Size);
            w.Write(q.Ready);
            w.Write(q.DescriptorTable);
            w.Write(q.DriverArea);
            w.Write(q.DeviceArea);
            w.Write(q.NextAvail);
            w.Write(q.NextUsed);
        });
    }

    private static VirtioMmioState ReadTransport(BinaryReader r)
    {
        uint deviceFeaturesSel = r.ReadUInt32(), driverFeaturesSel = r.ReadUInt32();
        ulong driverFeatures = r.ReadUInt64();
        uint queueSel = r.ReadUInt32();
        var status = (DeviceStatus)r.ReadUInt32();
        uint interruptStatus = r.ReadUInt32(), configGeneration = r.ReadUInt32();
        List<VirtqueueState> queues = r.ReadList(MaxQueues, static r =>
            new VirtqueueState(r.ReadUInt16(), r.ReadBoolean(), r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt64(), r.ReadUInt16(), r.ReadUInt16()));
        return new VirtioMmioState(deviceFeaturesSel, driverFeaturesSel, driverFeatures, queueSel, status, interruptStatus, configGeneration, queues);
    }
}
