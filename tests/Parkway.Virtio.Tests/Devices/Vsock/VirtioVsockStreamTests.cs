using System.Net.Sockets;
using System.Security.Cryptography;
using Parkway.Virtio.Devices.Vsock;
using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Tests.Support;
using Parkway.Virtio.Transport;
using V = Parkway.Virtio.Devices.Vsock.VirtioVsock;

namespace Parkway.Virtio.Tests.Devices.Vsock;

/// <summary>
/// The stream protocol end to end: a guest driving the rings on one side, real Unix sockets in the
/// hybrid protocol on the other, the device's own worker thread between them.
/// </summary>
public sealed class VirtioVsockStreamTests
{
    private const uint GuestPort = 5000;

    [Fact]
    public void Config_space_holds_the_guest_cid_and_the_device_is_vsock()
    {
        using var rig = new VsockRig();
        Assert.Equal(19u, rig.Driver.Read(VirtioMmioRegisters.DeviceId));
        Assert.Equal((uint)VsockRig.Cid, rig.Driver.Read(VirtioMmioRegisters.Config));
        Assert.Equal(0u, rig.Driver.Read(VirtioMmioRegisters.Config + 4));
        Assert.Equal(new VsockDeviceState(VsockRig.Cid, rig.SocketPath), rig.Device.SaveState());
    }

    [Fact]
    public void Host_connect_sends_a_request_and_the_guest_response_is_answered_with_OK_and_the_host_port()
    {
        using var rig = new VsockRig();
        using Socket host = rig.ConnectHost();
        host.Send("CONNECT 5000\n"u8);

        (VsockPacketHeader request, _) = rig.Guest.Receive();
        Assert.Equal(V.OpRequest, request.Op);
        Assert.Equal((V.HostCid, VsockRig.Cid, GuestPort), (request.SourceCid, request.DestinationCid, request.DestinationPort));
        Assert.True(request.SourcePort >= VirtioVsockDevice.FirstHostInitiatedPort, $"host port {request.SourcePort}");
        Assert.Equal((uint)VsockConnection.BufferSize, request.BufAlloc);

        rig.Guest.Send(rig.Guest.Header(V.OpResponse, GuestPort, request.SourcePort));
        Assert.Equal($"OK {request.SourcePort}", VsockRig.ReadLine(host));
        Assert.Equal(1, rig.Device.ConnectionCount);
    }

    [Fact]
    public void Host_initiated_stream_carries_a_megabyte_each_way_with_matching_checksums()
    {
        using var rig = new VsockRig();
        using Socket host = rig.ConnectHost();
        host.Send("CONNECT 5000\n"u8);
        (VsockPacketHeader request, _) = rig.Guest.Receive();
        rig.Guest.Send(rig.Guest.Header(V.OpResponse, GuestPort, request.SourcePort));
        Assert.Equal($"OK {request.SourcePort}", VsockRig.ReadLine(host));

        Exchange(rig, host, GuestPort, request.SourcePort);
    }

    [Fact]
    public void Guest_connect_to_host_port_P_reaches_the_socket_PATH_P_and_carries_data_both_ways()
    {
        using var rig = new VsockRig();
        using Socket listener = rig.ListenHost(1234);
        rig.Guest.Send(rig.Guest.Header(V.OpRequest, GuestPort, 1234));

        (VsockPacketHeader response, _) = rig.Guest.Receive();
        Assert.Equal((V.OpResponse, 1234u, GuestPort), (response.Op, response.SourcePort, response.DestinationPort));
        using Socket host = listener.Accept();
        host.ReceiveTimeout = host.SendTimeout = 30_000;

        Exchange(rig, host, GuestPort, 1234);
    }

    [Fact]
    public void Guest_connect_to_a_port_nobody_listens_on_is_reset()
    {
        using var rig = new VsockRig();
        rig.Guest.Send(rig.Guest.Header(V.OpRequest, GuestPort, 999));

        (VsockPacketHeader reset, _) = rig.Guest.Receive();
        Assert.Equal((V.OpReset, 999u, GuestPort), (reset.Op, reset.SourcePort, reset.DestinationPort));
        Assert.Equal(0, rig.Device.ConnectionCount);
    }

    [Fact]
    public void Guest_close_flushes_to_the_host_which_reads_EOF_and_the_guest_gets_the_final_RST()
    {
        using var rig = new VsockRig();
        using Socket host = rig.GuestConnects(GuestPort, 1234);

        rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, GuestPort, 1234, 5), "bye!\n"u8);
        rig.Guest.Send(rig.Guest.Header(V.OpShutdown, GuestPort, 1234, flags: V.ShutdownReceive | V.ShutdownSend));

        (VsockPacketHeader reset, _) = rig.Guest.Receive();
        Assert.Equal(V.OpReset, reset.Op);
        var received = new MemoryStream();
        var buffer = new byte[64];
        int read;
        while ((read = host.Receive(buffer)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        Assert.Equal("bye!\n"u8.ToArray(), received.ToArray());
        VsockGuest.WaitFor(() => rig.Device.ConnectionCount == 0, "the stream to leave the table");
    }

    [Fact]
    public void Host_half_close_reaches_the_guest_as_shutdown_send_and_the_guest_can_still_answer()
    {
        using var rig = new VsockRig();
        using Socket host = rig.GuestConnects(GuestPort, 1234);
        host.Send("question"u8);
        host.Shutdown(SocketShutdown.Send);

        var data = new MemoryStream();
        (VsockPacketHeader Header, byte[] Payload) packet;
        while ((packet = rig.Guest.Receive()).Header.Op == V.OpReadWrite)
        {
            data.Write(packet.Payload);
        }

        Assert.Equal("question"u8.ToArray(), data.ToArray());
        Assert.Equal((V.OpShutdown, V.ShutdownSend), (packet.Header.Op, packet.Header.Flags));

        rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, GuestPort, 1234, 6), "answer"u8);
        var reply = new byte[6];
        Assert.Equal(6, host.Receive(reply));
        Assert.Equal("answer"u8.ToArray(), reply);
    }

    [Fact]
    public void Host_close_reaches_the_guest_as_a_shutdown_of_both_directions()
    {
        using var rig = new VsockRig();
        Socket host = rig.GuestConnects(GuestPort, 1234);
        host.Send("last words"u8);
        host.Dispose();

        var data = new MemoryStream();
        VsockPacketHeader packet;
        while (true)
        {
            (packet, byte[] payload) = rig.Guest.Receive();
            data.Write(payload);
            // RW packets carry the data; a SHUTDOWN(send) may come first if EOF is read before the hang-up is seen.
            bool bothWays = packet.Op == V.OpShutdown && packet.Flags == (V.ShutdownReceive | V.ShutdownSend);
            if (packet.Op != V.OpReadWrite && !(packet.Op == V.OpShutdown && !bothWays))
            {
                break;
            }
        }

        Assert.Equal("last words"u8.ToArray(), data.ToArray());
        Assert.Equal(V.OpShutdown, packet.Op);
        Assert.Equal(V.ShutdownReceive | V.ShutdownSend, packet.Flags);
        rig.Guest.Send(rig.Guest.Header(V.OpReset, GuestPort, 1234)); // what Linux answers
        VsockGuest.WaitFor(() => rig.Device.ConnectionCount == 0, "the stream to leave the table");
    }

    [Fact]
    public void Guest_data_for_a_host_that_closed_its_socket_ends_in_an_RST_and_the_VMM_survives_EPIPE()
    {
        using var rig = new VsockRig();
        rig.GuestConnects(GuestPort, 1234).Dispose();

        ushort op;
        do
        {
            // Writes to the closed socket fail with EPIPE (no SIGPIPE); a SHUTDOWN may come first if the hang-up is seen first.
            rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, GuestPort, 1234, 3), "abc"u8);
            op = rig.Guest.Receive().Header.Op;
            Assert.True(op is V.OpShutdown or V.OpReset, $"op {op}");
        }
        while (op != V.OpReset);

        VsockGuest.WaitFor(() => rig.Device.ConnectionCount == 0, "the stream to leave the table");
    }

    [Fact]
    public void The_device_never_sends_more_than_the_guest_credit_and_asks_for_more_when_it_runs_out()
    {
        using var rig = new VsockRig();
        rig.Guest.BufAlloc = 5000; // not a multiple of the 4 KiB receive buffers, so only the credit can stop at it
        using Socket host = rig.GuestConnects(GuestPort, 1234);
        byte[] sent = RandomNumberGenerator.GetBytes(20_000);
        host.Send(sent);

        var received = new MemoryStream();
        (VsockPacketHeader Header, byte[] Payload) packet;
        while ((packet = rig.Guest.Receive()).Header.Op == V.OpReadWrite)
        {
            received.Write(packet.Payload);
        }

        // The guest consumed nothing: exactly its 5000 bytes of credit arrived, then a CREDIT_REQUEST.
        Assert.Equal(V.OpCreditRequest, packet.Header.Op);
        Assert.Equal(5000, received.Length);

        rig.Guest.ForwardCount = 5000; // the "application" read it all
        rig.Guest.Send(rig.Guest.Header(V.OpCreditUpdate, GuestPort, 1234));
        while (received.Length < 10000)
        {
            packet = rig.Guest.Receive();
            Assert.Equal(V.OpReadWrite, packet.Header.Op);
            received.Write(packet.Payload);
        }

        Assert.Equal(10000, received.Length);
        Assert.Equal(sent[..10000], received.ToArray());
        Assert.Equal(V.OpCreditRequest, rig.Guest.Receive().Header.Op); // out of credit again

        // The guest answers with its unchanged credit (as Linux does): no second request, no ping-pong.
        rig.Guest.Send(rig.Guest.Header(V.OpCreditUpdate, GuestPort, 1234));
        rig.Guest.Send(rig.Guest.Header(V.OpCreditRequest, GuestPort, 1234));
        Assert.Equal(V.OpCreditUpdate, rig.Guest.Receive().Header.Op);
        rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, 7, 8)); // a probe the device must answer next
        Assert.Equal((V.OpReset, 8u, 7u), Op(rig.Guest.Receive().Header));
    }

    [Fact]
    public void A_guest_that_ignores_the_credit_is_reset_and_the_VMM_buffer_stays_bounded()
    {
        using var rig = new VsockRig();
        using Socket host = rig.GuestConnects(GuestPort, 1234); // never reads

        byte[] chunk = new byte[VsockGuest.MaxSendPayload];
        long sent = 0;
        bool reset = false;
        while (!reset)
        {
            rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, GuestPort, 1234, (uint)chunk.Length), chunk);
            sent += chunk.Length;
            Assert.True(sent < 64L << 20, "64 MiB went in without a reset: the VMM buffers without bound");
            while (rig.Guest.HasReceived)
            {
                ushort op = rig.Guest.Receive().Header.Op;
                reset |= op == V.OpReset;
                Assert.True(op is V.OpReset or V.OpCreditUpdate, $"op {op}");
            }
        }

        // The VMM took no more than the host socket's buffer plus its own advertised window.
        Assert.True(sent <= (8L << 20) + VsockConnection.BufferSize, $"{sent} bytes accepted");
        Assert.True(rig.Log.Mentions(GuestErrorKind.ProtocolViolation));
        Assert.Equal(DeviceStatus.None, rig.Driver.Status & DeviceStatus.NeedsReset);
    }

    [Fact]
    public void Host_connect_that_the_guest_never_answers_times_out_with_an_RST_and_a_closed_host_socket()
    {
        using var rig = new VsockRig();
        using Socket host = rig.ConnectHost();
        host.Send("CONNECT 5000\n"u8);
        (VsockPacketHeader request, _) = rig.Guest.Receive();
        Assert.Equal(V.OpRequest, request.Op);

        rig.Log.Clock.Advance(VirtioVsockDevice.ConnectTimeout + TimeSpan.FromSeconds(1));
        rig.Driver.Write(VirtioMmioRegisters.QueueNotify, V.EventQueue); // any wake-up runs the deadline check

        (VsockPacketHeader reset, _) = rig.Guest.Receive();
        Assert.Equal((V.OpReset, request.SourcePort, GuestPort), (reset.Op, reset.SourcePort, reset.DestinationPort));
        Assert.Null(VsockRig.ReadLine(host)); // EOF, no OK
    }

    [Fact]
    public void Guest_RST_to_a_host_connect_closes_the_host_socket_without_OK()
    {
        using var rig = new VsockRig();
        using Socket host = rig.ConnectHost();
        host.Send("CONNECT 5000\n"u8);
        (VsockPacketHeader request, _) = rig.Guest.Receive();
        rig.Guest.Send(rig.Guest.Header(V.OpReset, GuestPort, request.SourcePort));

        Assert.Null(VsockRig.ReadLine(host));
        VsockGuest.WaitFor(() => rig.Device.ConnectionCount == 0, "the stream to leave the table");
    }

    [Theory]
    [InlineData("CONNECT\n")]
    [InlineData("CONNECT x\n")]
    [InlineData("connect 5000\n")]
    [InlineData("CONNECT 99999999999\n")]
    [InlineData("CONNECT 5000 and a line much too long for the protocol\n")]
    public void A_bad_CONNECT_line_closes_the_host_socket_and_sends_the_guest_nothing(string line)
    {
        using var rig = new VsockRig();
        using Socket host = rig.ConnectHost();
        host.Send(System.Text.Encoding.ASCII.GetBytes(line));

        Assert.Null(VsockRig.ReadLine(host));
        // A probe the device answers: the first packet the guest sees is the probe's RST.
        rig.Guest.Send(rig.Guest.Header(V.OpReadWrite, 7, 8));
        Assert.Equal((V.OpReset, 8u, 7u), Op(rig.Guest.Receive().Header));
    }

    [Fact]
    public void Device_reset_closes_every_host_socket_and_a_new_driver_can_connect_again()
    {
        using var rig = new VsockRig();
        using Socket host = rig.GuestConnects(GuestPort, 1234);

        rig.Driver.Write(VirtioMmioRegisters.Status, 0);

        Assert.Equal(0, host.Receive(new byte[16])); // EOF
        Assert.Equal(0, rig.Device.ConnectionCount);

        // The next driver (fresh rings) is served, host connects included.
        var rx = new QueueFixture(size: 32, memory: rig.Rx.Memory, region: 3);
        var tx = new QueueFixture(size: 16, memory: rig.Rx.Memory, region: 1);
        var guest = new VsockGuest(rig.Driver, rx, tx, VsockRig.Cid, receiveBuffers: 0);
        rig.Driver.Probe(rx, tx, rig.Events);
        guest.PostReceiveBuffers(8);
        using Socket again = rig.ConnectHost();
        again.Send("CONNECT 6000\n"u8);
        (VsockPacketHeader request, _) = guest.Receive();
        Assert.Equal((V.OpRequest, 6000u), (request.Op, request.DestinationPort));
    }

    [Fact]
    public void Dispose_removes_the_socket_file()
    {
        var rig = new VsockRig();
        string path = rig.SocketPath;
        Assert.True(File.Exists(path));
        rig.Transport.Dispose();
        rig.Device.Dispose();
        Assert.False(File.Exists(path));
        rig.Dispose();
    }

    internal static (ushort Op, uint SourcePort, uint DestinationPort) Op(VsockPacketHeader header) =>
        (header.Op, header.SourcePort, header.DestinationPort);

    /// <summary>A megabyte each way through an established stream; both sides check a SHA-256.</summary>
    private static void Exchange(VsockRig rig, Socket host, uint guestPort, uint hostPort)
    {
        const int Size = 1 << 20;
        byte[] toGuest = RandomNumberGenerator.GetBytes(Size);
        byte[] toHost = RandomNumberGenerator.GetBytes(Size);
        VsockGuest guest = rig.Guest;

        // The host writes and reads on its own threads, as a host program would.
        Task writer = Task.Run(() => host.Send(toGuest));
        Task<byte[]> reader = Task.Run(() =>
        {
            var received = new MemoryStream();
            var buffer = new byte[65536];
            while (received.Length < Size)
            {
                int read = host.Receive(buffer);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }

            return received.ToArray();
        });

        // The guest alternates: take what arrived, send what the device's credit allows.
        var fromHost = new MemoryStream();
        uint peerBufAlloc = 0, peerForwarded = 0, guestSent = 0;
        long lastCreditUpdate = 0;
        int offset = 0;
        while (fromHost.Length < Size || offset < Size)
        {
            uint credit = peerBufAlloc - (guestSent - peerForwarded);
            bool canSend = offset < Size && credit > 0;
            if (guest.HasReceived || !canSend)
            {
                (VsockPacketHeader header, byte[] payload) = guest.Receive();
                Assert.Equal((hostPort, guestPort), (header.SourcePort, header.DestinationPort));
                peerBufAlloc = header.BufAlloc;
                peerForwarded = header.ForwardCount;
                if (header.Op == V.OpReadWrite)
                {
                    fromHost.Write(payload);
                    Assert.True((uint)fromHost.Length - guest.AdvertisedForwardCount <= guest.BufAlloc, "the device sent beyond the guest's credit");
                    guest.ForwardCount = (uint)fromHost.Length; // the application reads at once
                    if (fromHost.Length - lastCreditUpdate >= 16384)
                    {
                        lastCreditUpdate = fromHost.Length;
                        guest.Send(guest.Header(V.OpCreditUpdate, guestPort, hostPort));
                    }
                }
                else if (header.Op == V.OpCreditRequest)
                {
                    guest.Send(guest.Header(V.OpCreditUpdate, guestPort, hostPort));
                }
                else
                {
                    Assert.Equal(V.OpCreditUpdate, header.Op);
                }

                continue;
            }

            int length = (int)Math.Min(Math.Min(credit, (uint)VsockGuest.MaxSendPayload), (uint)(Size - offset));
            guest.Send(guest.Header(V.OpReadWrite, guestPort, hostPort, (uint)length), toHost.AsSpan(offset, length));
            offset += length;
            guestSent += (uint)length;
        }

        writer.Wait();
        Assert.True(reader.Wait(TimeSpan.FromSeconds(60)), "hang guard: the host did not get the guest's bytes");
        Assert.Equal(SHA256.HashData(toGuest), SHA256.HashData(fromHost.ToArray()));
        Assert.Equal(SHA256.HashData(toHost), SHA256.HashData(reader.Result));
        Assert.False(rig.Log.Lines.Any(), string.Join("\n", rig.Log.Lines));
    }
}
