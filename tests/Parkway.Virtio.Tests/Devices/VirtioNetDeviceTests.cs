using System.Buffers.Binary;
using Parkway.Interop;
using Parkway.Virtio.Devices;
using Parkway.Virtio.Devices.Net;
using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Tests.Support;
using Parkway.Virtio.Transport;
using static Parkway.Virtio.Queues.VirtqueueLayout;

namespace Parkway.Virtio.Tests.Devices;

/// <summary>virtio-net frames between guest rings and a frame-preserving host socket.</summary>
public sealed class VirtioNetDeviceTests
{
    private static byte[] Frame(int length, byte seed)
    {
        var frame = new byte[length];
        for (int i = VirtioNet.HeaderSize; i < length; i++)
        {
            frame[i] = (byte)(seed + i);
        }

        return frame;
    }

    [Fact]
    public void Config_space_has_the_mac_link_up_and_one_queue_pair()
    {
        using var rig = new NetRig();
        var config = new byte[VirtioNet.ConfigSize];
        for (int i = 0; i < config.Length; i += 2)
        {
            rig.Transport.Read(VirtioMmioRegisters.Config + (uint)i, config.AsSpan(i, 2));
        }

        Assert.Equal(new byte[] { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, config[..6]);
        Assert.Equal(VirtioNet.StatusLinkUp, BinaryPrimitives.ReadUInt16LittleEndian(config.AsSpan(6)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(config.AsSpan(8)));
    }

    [Fact]
    public void A_backend_without_offloads_offers_mac_status_and_mergeable_buffers_only()
    {
        using var rig = new NetRig();
        ulong device = rig.Device.DeviceFeatures;
        Assert.Equal(VirtioFeatures.Bit(VirtioNet.FeatureMac) | VirtioFeatures.Bit(VirtioNet.FeatureStatus) | VirtioFeatures.Bit(VirtioNet.FeatureMergeableRxBuffers), device);
    }

    [Fact]
    public void Guest_receive_offloads_become_tun_offload_flags_only_with_guest_csum()
    {
        ulong all = VirtioFeatures.Bit(VirtioNet.FeatureGuestCsum) | VirtioFeatures.Bit(VirtioNet.FeatureGuestTso4)
            | VirtioFeatures.Bit(VirtioNet.FeatureGuestTso6) | VirtioFeatures.Bit(VirtioNet.FeatureGuestEcn);
        Assert.Equal(TunIoctls.TunFCsum | TunIoctls.TunFTso4 | TunIoctls.TunFTso6 | TunIoctls.TunFTsoEcn, VirtioNetDevice.TunOffloads(all));
        Assert.Equal(TunIoctls.TunFCsum, VirtioNetDevice.TunOffloads(VirtioFeatures.Bit(VirtioNet.FeatureGuestCsum)));
        Assert.Equal(0u, VirtioNetDevice.TunOffloads(all & ~VirtioFeatures.Bit(VirtioNet.FeatureGuestCsum)));
    }

    [Fact]
    public void A_transmitted_chain_is_one_frame_on_the_host_side()
    {
        using var rig = new NetRig();
        byte[] frame = Frame(1000, 3);
        rig.Transmit.SetDescriptor(0, rig.Transmit.Put(frame.AsSpan(0, VirtioNet.HeaderSize)), VirtioNet.HeaderSize, DescriptorFlagNext, 1);
        rig.Transmit.SetDescriptor(1, rig.Transmit.Put(frame.AsSpan(VirtioNet.HeaderSize)), 1000 - VirtioNet.HeaderSize, 0);
        rig.Transmit.Publish(0);

        rig.Device.ProcessQueue(VirtioNet.TransmitQueue);

        var received = new byte[VirtioNet.MaxFrameSize];
        int length = rig.Host.ReceiveFrame(received);
        Assert.Equal(frame, received[..length]);
        Assert.Equal(0, rig.Host.ReceiveFrame(received)); // exactly one frame
        Assert.Equal((0u, 0u), rig.Transmit.Used(0));
        Assert.True(rig.Interrupt.Count > 0);
    }

    [Fact]
    public void A_transmit_chain_in_many_pieces_reaches_the_host_as_one_gathered_frame()
    {
        using var rig = new NetRig();
        byte[] frame = Frame(3000, 5);
        int[] cuts = [0, 4, VirtioNet.HeaderSize, VirtioNet.HeaderSize, 1000, 2999, 3000]; // an empty piece in the middle
        for (ushort i = 0; i < cuts.Length - 1; i++)
        {
            int length = cuts[i + 1] - cuts[i];
            ulong address = length == 0 ? rig.Transmit.Allocate(1) : rig.Transmit.Put(frame.AsSpan(cuts[i], length));
            bool last = i == cuts.Length - 2;
            rig.Transmit.SetDescriptor(i, address, (uint)length, last ? (ushort)0 : DescriptorFlagNext, (ushort)(i + 1));
        }

        rig.Transmit.Publish(0);
        rig.Device.ProcessQueue(VirtioNet.TransmitQueue);

        var received = new byte[VirtioNet.MaxFrameSize];
        int got = rig.Host.ReceiveFrame(received);
        Assert.Equal(frame, received[..got]);
        Assert.Equal(0, rig.Host.ReceiveFrame(received));
        Assert.Equal(1, rig.Transmit.UsedIndex);
    }

    [Fact]
    public void A_transmit_chain_of_more_pieces_than_writev_takes_goes_out_whole_through_the_bounce_buffer()
    {
        using var rig = new NetRig();
        const int pieces = Libc.IOV_MAX + 76; // an indirect table: one header descriptor, then one byte each
        byte[] frame = Frame(VirtioNet.HeaderSize + pieces - 1, 7);
        ulong table = rig.Transmit.Allocate(pieces * DescriptorSize);
        rig.Transmit.WriteDescriptor(table, 0, rig.Transmit.Put(frame.AsSpan(0, VirtioNet.HeaderSize)), VirtioNet.HeaderSize, DescriptorFlagNext, 1);
        for (int i = 1; i < pieces; i++)
        {
            bool last = i == pieces - 1;
            rig.Transmit.WriteDescriptor(table, i, rig.Transmit.Put(frame.AsSpan(VirtioNet.HeaderSize + i - 1, 1)), 1, last ? (ushort)0 : DescriptorFlagNext, (ushort)(i + 1));
        }

        rig.Transmit.SetDescriptor(0, table, (uint)(pieces * DescriptorSize), DescriptorFlagIndirect);
        rig.Transmit.Publish(0);
        rig.Device.ProcessQueue(VirtioNet.TransmitQueue);

        var received = new byte[VirtioNet.MaxFrameSize];
        int got = rig.Host.ReceiveFrame(received);
        Assert.Equal(frame, received[..got]);
        Assert.Equal(1, rig.Transmit.UsedIndex);
        Assert.Empty(rig.Log.Lines);
    }

    [Fact]
    public void A_transmit_chain_shorter_than_the_header_is_dropped_logged_and_completed()
    {
        using var rig = new NetRig();
        rig.Transmit.SetDescriptor(0, rig.Transmit.Put(new byte[5]), 5, 0);
        rig.Transmit.Publish(0);

        rig.Device.ProcessQueue(VirtioNet.TransmitQueue);

        Assert.Equal(0, rig.Host.ReceiveFrame(new byte[64]));
        Assert.Equal(1, rig.Transmit.UsedIndex);
        Assert.True(rig.Log.Mentions(GuestErrorKind.MalformedRequest));
    }

    [Fact]
    public void With_room_for_the_largest_frame_posted_frames_are_read_straight_into_the_guest_buffers()
    {
        using var rig = new NetRig(receiveQueueSize: 64);
        const int count = 48, size = 1500; // 72 000 bytes: more than the largest frame, so readv goes straight in
        var buffers = new ulong[count];
        for (ushort i = 0; i < count; i++)
        {
            buffers[i] = rig.Receive.Allocate(size);
            rig.Receive.SetDescriptor(i, buffers[i], size, DescriptorFlagWrite);
            rig.Receive.Publish(i);
        }

        byte[] big = Frame(2500, 9), small = Frame(100, 1), largest = Frame(VirtioNet.MaxFrameSize, 4);
        rig.Host.SendFrame(big);
        rig.Host.SendFrame(small);
        rig.Host.SendFrame(largest);

        rig.Device.DeliverReceived();

        // big: buffers 0-1, small: buffer 2, largest: buffers 3..46 (44 buffers), buffer 47 still held.
        int largestBuffers = (VirtioNet.MaxFrameSize + size - 1) / size;
        Assert.Equal(3 + largestBuffers, rig.Receive.UsedIndex);
        Assert.Equal((0u, 1500u), rig.Receive.Used(0));
        Assert.Equal((1u, 1000u), rig.Receive.Used(1));
        Assert.Equal((2u, 100u), rig.Receive.Used(2));
        Assert.Equal(((uint)(2 + largestBuffers), (uint)(VirtioNet.MaxFrameSize - ((largestBuffers - 1) * size))), rig.Receive.Used(2 + largestBuffers));
        byte[] first = rig.Receive.Memory.GetSpanCopy(buffers[0], size);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(first.AsSpan(VirtioNet.HeaderNumBuffersOffset)));
        Assert.Equal(big.AsSpan(VirtioNet.HeaderSize, size - VirtioNet.HeaderSize).ToArray(), first[VirtioNet.HeaderSize..]);
        Assert.Equal(big.AsSpan(size).ToArray(), rig.Receive.Memory.GetSpanCopy(buffers[1], 1000));
        byte[] third = rig.Receive.Memory.GetSpanCopy(buffers[2], 100);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(third.AsSpan(VirtioNet.HeaderNumBuffersOffset)));
        Assert.Equal(small.AsSpan(VirtioNet.HeaderSize).ToArray(), third[VirtioNet.HeaderSize..]);
        var gathered = new byte[VirtioNet.MaxFrameSize];
        for (int i = 0; i < largestBuffers; i++)
        {
            int take = Math.Min(size, VirtioNet.MaxFrameSize - (i * size));
            rig.Receive.Memory.GetSpanCopy(buffers[3 + i], take).CopyTo(gathered, i * size);
        }

        Assert.Equal(largestBuffers, BinaryPrimitives.ReadUInt16LittleEndian(gathered.AsSpan(VirtioNet.HeaderNumBuffersOffset)));
        Assert.Equal(largest.AsSpan(VirtioNet.HeaderSize).ToArray(), gathered[VirtioNet.HeaderSize..]);
        Assert.Empty(rig.Log.Lines);
    }

    [Fact]
    public void A_received_frame_spans_mergeable_buffers_with_num_buffers_in_its_header()
    {
        using var rig = new NetRig();
        ulong[] buffers = [rig.Receive.Allocate(1500), rig.Receive.Allocate(1500), rig.Receive.Allocate(1500)];
        for (ushort i = 0; i < 3; i++)
        {
            rig.Receive.SetDescriptor(i, buffers[i], 1500, DescriptorFlagWrite);
            rig.Receive.Publish(i);
        }

        byte[] big = Frame(2500, 9), small = Frame(100, 1);
        rig.Host.SendFrame(big);
        rig.Host.SendFrame(small);

        rig.Device.DeliverReceived();

        Assert.Equal(3, rig.Receive.UsedIndex);
        Assert.Equal((0u, 1500u), rig.Receive.Used(0));
        Assert.Equal((1u, 1000u), rig.Receive.Used(1));
        Assert.Equal((2u, 100u), rig.Receive.Used(2));
        byte[] first = rig.Receive.Memory.GetSpanCopy(buffers[0], 1500), second = rig.Receive.Memory.GetSpanCopy(buffers[1], 1000);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(first.AsSpan(VirtioNet.HeaderNumBuffersOffset)));
        Assert.Equal(big.AsSpan(VirtioNet.HeaderSize, 1500 - VirtioNet.HeaderSize).ToArray(), first[VirtioNet.HeaderSize..]);
        Assert.Equal(big.AsSpan(1500).ToArray(), second);
        byte[] third = rig.Receive.Memory.GetSpanCopy(buffers[2], 100);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(third.AsSpan(VirtioNet.HeaderNumBuffersOffset)));
        Assert.Equal(small.AsSpan(VirtioNet.HeaderSize).ToArray(), third[VirtioNet.HeaderSize..]);
    }

    [Fact]
    public void Without_receive_buffers_one_frame_waits_the_backend_is_not_polled_and_a_kick_delivers_it()
    {
        using var rig = new NetRig();
        rig.Host.SendFrame(Frame(200, 4));
        rig.Host.SendFrame(Frame(300, 5));

        rig.Device.DeliverReceived();

        Assert.Equal(0, rig.Receive.UsedIndex);
        Assert.False(rig.Device.DeviceSources[0].Wanted!(), "the tap must not be polled while a frame waits for buffers");

        ulong buffer = rig.Receive.Allocate(2048), other = rig.Receive.Allocate(2048);
        rig.Receive.SetDescriptor(0, buffer, 2048, DescriptorFlagWrite);
        rig.Receive.SetDescriptor(1, other, 2048, DescriptorFlagWrite);
        rig.Receive.Publish(0);
        rig.Receive.Publish(1);
        rig.Device.ProcessQueue(VirtioNet.ReceiveQueue);

        Assert.Equal(2, rig.Receive.UsedIndex);
        Assert.Equal((0u, 200u), rig.Receive.Used(0));
        Assert.Equal((1u, 300u), rig.Receive.Used(1));
        Assert.True(rig.Device.DeviceSources[0].Wanted!());
    }

    [Fact]
    public void Without_mergeable_buffers_a_frame_larger_than_the_buffer_is_dropped_and_the_buffer_kept()
    {
        using var rig = new NetRig(mergeable: false);
        ulong buffer = rig.Receive.Allocate(512);
        rig.Receive.SetDescriptor(0, buffer, 512, DescriptorFlagWrite);
        rig.Receive.Publish(0);
        rig.Host.SendFrame(Frame(1000, 6));
        byte[] fits = Frame(400, 7);
        rig.Host.SendFrame(fits);

        rig.Device.DeliverReceived();

        Assert.Equal(1, rig.Receive.UsedIndex);
        Assert.Equal((0u, 400u), rig.Receive.Used(0));
        Assert.Equal(fits.AsSpan(VirtioNet.HeaderSize).ToArray(), rig.Receive.Memory.GetSpanCopy(buffer + VirtioNet.HeaderSize, 400 - VirtioNet.HeaderSize));
        Assert.True(rig.Log.Mentions(GuestErrorKind.MalformedRequest));
    }

    [Fact]
    public void State_names_the_mac()
    {
        using var rig = new NetRig();
        Assert.Equal(new NetDeviceState(MacAddress.Default(0), null), rig.Device.SaveState());
    }
}
