using System.Buffers.Binary;
using Parkway.Virtio.Devices.Vsock;
using Parkway.Virtio.Memory;
using Parkway.Virtio.Tests.Support;
using Parkway.Virtio.Transport;
using V = Parkway.Virtio.Devices.Vsock.VirtioVsock;

namespace Parkway.Virtio.Tests.Devices.Vsock;

/// <summary>
/// A vsock device rebuilt from a snapshot has none of the old host sockets, so the guest is told
/// with VIRTIO_VSOCK_EVENT_TRANSPORT_RESET in one of its event buffers when the worker starts.
/// </summary>
public sealed class VirtioVsockRestoreTests
{
    [Fact]
    public void A_restored_device_sends_one_transport_reset_event_into_the_guests_event_buffer()
    {
        using var rig = new VsockRig();
        ulong[] buffers = new ulong[2];
        for (ushort i = 0; i < buffers.Length; i++)
        {
            buffers[i] = rig.Events.Allocate(V.EventSize);
            rig.Events.Memory.Write(buffers[i], [0xAA, 0xAA, 0xAA, 0xAA]);
            rig.Events.SetDescriptor(i, buffers[i], V.EventSize, 2 /* VIRTQ_DESC_F_WRITE */);
            rig.Events.Publish(i);
        }

        rig.Transport.Pause();
        VirtioMmioState saved = rig.Transport.SaveState();
        Assert.Equal(0, rig.Events.UsedIndex); // a live device sends no event

        using var device = new VirtioVsockDevice("virtio-vsock0", new VsockOptions(VsockRig.Cid, rig.Directory.File("restored.sock")), rig.Log.Log, rig.Log.Clock);
        using VirtioMmioTransport restored = VirtioMmioTransport.Restore(device, rig.Rx.Memory, rig.Interrupt, rig.Log.Log, saved, paused: true);
        device.RequestTransportReset();
        restored.Resume();

        VsockGuest.WaitFor(() => rig.Events.UsedIndex == 1, "the transport reset event");
        restored.Pause();
        Assert.Equal((0u, (uint)V.EventSize), rig.Events.Used(0));
        byte[] written = new byte[V.EventSize];
        rig.Events.Memory.Read(buffers[0], written);
        Assert.Equal(V.EventTransportReset, BinaryPrimitives.ReadUInt32LittleEndian(written));
        Assert.Equal(1, rig.Events.UsedIndex); // once, not into every buffer
    }
}
