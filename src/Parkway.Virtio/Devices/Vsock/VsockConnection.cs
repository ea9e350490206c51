using System.Net.Sockets;
using Parkway.Virtio.Events;

namespace Parkway.Virtio.Devices.Vsock;

/// <summary>
/// One stream between a guest port and a host Unix socket, keyed by (host-side port, guest port).
/// Only the device's worker touches it.
/// <para>Credit (virtio 1.2 §5.10.6.3): the VMM advertises <see cref="BufferSize"/> and counts in
/// <see cref="Forwarded"/> the guest bytes the host socket has taken; the guest may have at most
/// BufferSize bytes in flight, so <see cref="ToHost"/> never holds more (a guest that sends more is
/// reset). The other way the VMM reads from the host socket only as much as the guest's
/// buf_alloc − (sent − guest fwd_cnt) allows, so the host's bytes wait in the host socket.</para>
/// </summary>
internal sealed class VsockConnection(uint localPort, uint peerPort, Socket host, VsockConnectionState state)
{
    /// <summary>buf_alloc the VMM advertises: the most guest bytes buffered for one connection.</summary>
    public const int BufferSize = 256 * 1024;

    /// <summary>The host-side port (the guest's dst_port; for host-initiated streams, the allocated one).</summary>
    public uint LocalPort { get; } = localPort;

    /// <summary>The guest's port.</summary>
    public uint PeerPort { get; } = peerPort;

    public Socket Host { get; } = host;

    public DynamicWorkSource? Source { get; set; }

    public VsockConnectionState State { get; set; } = state;

    /// <summary>When a Connecting or Closing stream is given up (TimeProvider timestamp; 0: none).</summary>
    public long Deadline { get; set; }

    /// <summary>Guest → host bytes (and the OK line) the host socket has not taken yet.</summary>
    public ByteRing ToHost { get; } = new(BufferSize + PendingHostConnection.MaxLineLength);

    /// <summary>Bytes of the OK line still in <see cref="ToHost"/> (not guest data, not counted as credit).</summary>
    public int ControlBytesQueued { get; set; }

    /// <summary>RW payload bytes accepted from the guest (its tx_cnt).</summary>
    public uint Received { get; set; }

    /// <summary>fwd_cnt: guest bytes the host socket took.</summary>
    public uint Forwarded { get; set; }

    /// <summary>fwd_cnt as last told to the guest.</summary>
    public uint AdvertisedForwarded { get; set; }

    /// <summary>RW payload bytes sent to the guest (rx_cnt).</summary>
    public uint Sent { get; set; }

    /// <summary>The guest's buf_alloc from its latest packet.</summary>
    public uint PeerBufAlloc { get; private set; }

    /// <summary>The guest's fwd_cnt from its latest packet.</summary>
    public uint PeerForwarded { get; private set; }

    /// <summary>A CREDIT_REQUEST went out and no credit information came back yet.</summary>
    public bool CreditRequested { get; set; }

    public bool HostReadable { get; set; }

    public bool HostEof { get; set; }

    /// <summary>The host closed its socket entirely (POLLHUP): nothing more to read, writes will fail.</summary>
    public bool HostHangup { get; set; }

    public bool HostWriteShut { get; set; }

    public bool GuestShutReceive { get; set; }

    public bool GuestShutSend { get; set; }

    public bool SendRequest { get; set; }

    public bool SendResponse { get; set; }

    public bool SendCreditUpdate { get; set; }

    public bool SendReset { get; set; }

    public uint SendShutdownFlags { get; set; }

    /// <summary>In the device's receive work list.</summary>
    public bool InReceiveList { get; set; }

    /// <summary>Gone from the table: nothing more is sent or polled.</summary>
    public bool Closed { get; set; }

    /// <summary>How many payload bytes the guest can take now (0 when a hostile fwd_cnt makes no sense).</summary>
    public uint PeerFree
    {
        get
        {
            uint inFlight = Sent - PeerForwarded;
            return inFlight > PeerBufAlloc ? 0 : PeerBufAlloc - inFlight;
        }
    }

    /// <summary>Guest bytes buffered here (what the credit check limits).</summary>
    public uint Buffered => Received - Forwarded;

    /// <summary>Host data could go to the guest (it may still have to wait for credit).</summary>
    public bool WantsToSendData => State == VsockConnectionState.Established && HostReadable && !GuestShutReceive;

    /// <summary>Something for the receive queue: a control packet, data with credit, or a credit request to make.</summary>
    public bool HasReceiveWork =>
        !Closed && (SendReset || SendRequest || SendResponse || SendCreditUpdate || SendShutdownFlags != 0
            || (WantsToSendData && (PeerFree > 0 || !CreditRequested)));

    /// <summary>
    /// Takes the credit information every guest packet carries. Only a change re-arms the
    /// CREDIT_REQUEST: Linux answers each request with an update, so re-asking on an unchanged one
    /// would ping-pong for as long as the guest application does not read.
    /// </summary>
    public void UpdatePeerCredit(in VsockPacketHeader header)
    {
        if (header.BufAlloc != PeerBufAlloc || header.ForwardCount != PeerForwarded)
        {
            CreditRequested = false;
        }

        PeerBufAlloc = header.BufAlloc;
        PeerForwarded = header.ForwardCount;
    }

    /// <summary>poll(2) events wanted for the host socket (negative: leave it out).</summary>
    public short Interest()
    {
        if (Closed || HostHangup || State == VsockConnectionState.Resetting)
        {
            return -1;
        }

        short events = 0;
        if (State == VsockConnectionState.Established && !HostReadable && !HostEof && !GuestShutReceive && PeerFree > 0)
        {
            events |= Parkway.Interop.Libc.POLLIN;
        }

        if (ToHost.Count > 0)
        {
            events |= DynamicWorkSource.PollOut;
        }

        return events;
    }
}
