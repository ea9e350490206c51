using System.Net.Sockets;
using Parkway.Virtio.Devices.Vsock;
using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Tests.Support;
using Parkway.Virtio.Transport;
using static Parkway.Virtio.Tests.Devices.Vsock.VirtioVsockStreamTests;
using V = Parkway.Virtio.Devices.Vsock.VirtioVsock;

namespace Parkway.Virtio.Tests.Devices.Vsock;

/// <summary>
/// Every guest packet is hostile: each bad one is refused (RST where the spec has one, dropped
/// otherwise), logged once per kind through the rate-limited log, and the device keeps serving.
/// Absence of a reply is shown by a probe the device must answer: the guest's next packet is the
/// probe's RST, not anything for the bad packet.
/// </summary>
public sealed class VirtioVsockHostileGuestTests
{
    [Fact]
    public void Packets_for_unknown_connections_get_an_RST_and_one_log_line()
    {
        using var rig = new VsockRig();
        rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, 10, 20, 3), "abc"u8);
        rig.Guest.Send(rig.Guest.Header(V.OpShutdown, 11, 21, flags: V.ShutdownSend));
        rig.Guest.Send(rig.Guest.Header(V.OpResponse, 12, 22));

        Assert.Equal((V.OpReset, 20u, 10u), Op(rig.Guest.Receive().Header));
        Assert.Equal((V.OpReset, 21u, 11u), Op(rig.Guest.Receive().Header));
        Assert.Equal((V.OpReset, 22u, 12u), Op(rig.Guest.Receive().Header));
        Assert.Single(rig.Log.Lines, line => line.Contains(nameof(GuestErrorKind.UnknownConnection), StringComparison.Ordinal));
    }

    [Fact]
    public void An_RST_for_an_unknown_connection_is_not_answered()
    {
        using var rig = new VsockRig();
        rig.Guest.Send(rig.Guest.Header(V.OpReset, 10, 20));
        rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, 7, 8));
        Assert.Equal((V.OpReset, 8u, 7u), Op(rig.Guest.Receive().Header));
    }

    [Fact]
    public void A_packet_shorter_than_the_header_is_dropped_and_logged()
    {
        using var rig = new VsockRig();
        rig.Guest.SendRaw(new byte[V.HeaderSize - 1]);
        rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, 7, 8));

        Assert.Equal((V.OpReset, 8u, 7u), Op(rig.Guest.Receive().Header));
        Assert.True(rig.Log.Mentions(GuestErrorKind.MalformedRequest));
    }

    [Theory]
    [InlineData(99ul, V.HostCid)]
    [InlineData(VsockRig.Cid, 7ul)]
    [InlineData(V.HostCid, VsockRig.Cid)]
    public void A_packet_with_the_wrong_cids_is_dropped_without_a_reply(ulong source, ulong destination)
    {
        using var rig = new VsockRig();
        rig.Guest.Send(rig.Guest.Header(V.OpRequest, 10, 20) with { SourceCid = source, DestinationCid = destination });
        rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, 7, 8));

        Assert.Equal((V.OpReset, 8u, 7u), Op(rig.Guest.Receive().Header));
        Assert.True(rig.Log.Mentions(GuestErrorKind.MalformedRequest));
    }

    [Fact]
    public void A_len_beyond_the_payload_or_the_maximum_resets_the_stream()
    {
        using var rig = new VsockRig();
        using Socket listener = rig.ListenHost(1234);
        rig.Guest.Send(rig.Guest.Header(V.OpRequest, 10, 1234));
        Assert.Equal(V.OpResponse, rig.Guest.Receive().Header.Op);
        using Socket host = listener.Accept();
        host.ReceiveTimeout = 30_000;

        rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, 10, 1234, 100), new byte[10]);

        Assert.Equal((V.OpReset, 1234u, 10u), Op(rig.Guest.Receive().Header));
        Assert.Equal(0, host.Receive(new byte[16])); // the host socket was closed
        Assert.True(rig.Log.Mentions(GuestErrorKind.MalformedRequest));
    }

    [Fact]
    public void A_control_packet_with_a_len_is_refused()
    {
        using var rig = new VsockRig();
        using Socket listener = rig.ListenHost(1234);
        rig.Guest.Send(rig.Guest.Header(V.OpRequest, 10, 1234, 4), new byte[4]);

        Assert.Equal((V.OpReset, 1234u, 10u), Op(rig.Guest.Receive().Header));
        Assert.Equal(0, rig.Device.ConnectionCount);
    }

    [Theory]
    [InlineData(V.OpInvalid)]
    [InlineData((ushort)8)]
    [InlineData(ushort.MaxValue)]
    [InlineData(V.OpRequest)]
    public void An_unknown_op_or_a_second_request_on_a_live_stream_resets_it(ushort op)
    {
        using var rig = new VsockRig();
        using Socket listener = rig.ListenHost(1234);
        rig.Guest.Send(rig.Guest.Header(V.OpRequest, 10, 1234));
        Assert.Equal(V.OpResponse, rig.Guest.Receive().Header.Op);
        using Socket host = listener.Accept();
        host.ReceiveTimeout = 30_000;

        rig.Guest.Send(rig.Guest.Header(op, 10, 1234));

        Assert.Equal((V.OpReset, 1234u, 10u), Op(rig.Guest.Receive().Header));
        Assert.Equal(0, host.Receive(new byte[16]));
        VsockGuest.WaitFor(() => rig.Device.ConnectionCount == 0, "the stream to leave the table");
    }

    [Fact]
    public void A_seqpacket_request_is_reset_because_only_streams_are_offered()
    {
        using var rig = new VsockRig();
        using Socket listener = rig.ListenHost(1234);
        rig.Guest.Send(rig.Guest.Header(V.OpRequest, 10, 1234) with { Type = V.TypeSeqpacket });

        VsockPacketHeader reset = rig.Guest.Receive().Header;
        Assert.Equal((V.OpReset, 1234u, 10u), Op(reset));
        Assert.Equal(V.TypeSeqpacket, reset.Type);
        Assert.Equal(0, rig.Device.ConnectionCount);
    }

    [Fact]
    public void RW_before_the_guest_accepted_a_host_connect_resets_it()
    {
        using var rig = new VsockRig();
        using Socket host = rig.ConnectHost();
        host.Send("CONNECT 5000\n"u8);
        VsockPacketHeader request = rig.Guest.Receive().Header;

        rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, 5000, request.SourcePort, 2), "hi"u8);

        Assert.Equal(V.OpReset, rig.Guest.Receive().Header.Op);
        Assert.Null(VsockRig.ReadLine(host));
        Assert.True(rig.Log.Mentions(GuestErrorKind.ProtocolViolation));
    }

    [Fact]
    public void A_receive_buffer_too_small_for_a_header_is_returned_empty_and_the_next_one_is_used()
    {
        using var rig = new VsockRig(receiveBuffers: 0);
        rig.Rx.SetDescriptor(0, rig.Rx.Allocate(8), 8, Parkway.Virtio.Queues.VirtqueueLayout.DescriptorFlagWrite);
        rig.Rx.Publish(0);
        rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, 7, 8));
        VsockGuest.WaitFor(() => rig.Rx.UsedIndex == 1, "the small buffer to come back");
        Assert.Equal((0u, 0u), rig.Rx.Used(0));
        Assert.True(rig.Log.Mentions(GuestErrorKind.MalformedRequest));
    }

    [Fact]
    public void A_flood_of_bad_packets_without_receive_buffers_stalls_the_transmit_queue_instead_of_queueing_replies()
    {
        using var rig = new VsockRig(receiveBuffers: 0);
        // More garbage than the reply queue holds; the device stops taking transmit chains instead.
        int sent = 0;
        var packets = new List<VsockPacketHeader>();
        for (uint i = 0; i < VirtioVsockDevice.MaxQueuedResets; i++)
        {
            rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, 1000 + i, 1));
            sent++;
        }

        Assert.Equal(VirtioVsockDevice.MaxQueuedResets, sent);
        rig.Tx.SetDescriptor(0, rig.Tx.Allocate(V.HeaderSize), V.HeaderSize, 0);
        rig.Tx.Publish(0);
        rig.Driver.Write(VirtioMmioRegisters.QueueNotify, V.TransmitQueue);

        // Buffers arrive: every reply comes out in order and the stalled packet is served after them.
        rig.Guest.PostReceiveBuffers(rig.Rx.Size);
        for (uint i = 0; i < VirtioVsockDevice.MaxQueuedResets; i++)
        {
            packets.Add(rig.Guest.Receive().Header);
        }

        Assert.Equal(Enumerable.Range(1000, VirtioVsockDevice.MaxQueuedResets).Select(static p => (uint)p), packets.Select(static p => p.DestinationPort));
        VsockGuest.WaitFor(() => rig.Tx.UsedIndex == VirtioVsockDevice.MaxQueuedResets + 1, "the stalled transmit chain");
        Assert.Equal(DeviceStatus.None, rig.Driver.Status & DeviceStatus.NeedsReset);
    }
}
