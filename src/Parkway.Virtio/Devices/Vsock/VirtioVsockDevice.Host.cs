using System.Globalization;
using System.Net.Sockets;
using Parkway.Interop;
using Parkway.Virtio.Events;

namespace Parkway.Virtio.Devices.Vsock;

/// <summary>The host side: the hybrid listening socket, host streams, deadlines.</summary>
public sealed partial class VirtioVsockDevice
{
    /// <summary>How long the guest has to answer a host CONNECT (Firecracker's figure).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a host client has to send its CONNECT line.</summary>
    public static readonly TimeSpan ConnectLineTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a closed guest stream may wait for the host socket to take its last bytes.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Host-initiated streams get host-side ports from here up (as Firecracker does), clear of the usual service ports.</summary>
    public const uint FirstHostInitiatedPort = 1u << 30;

    /// <summary>Most host clients between accept and their CONNECT line.</summary>
    public const int MaxPendingHostClients = 32;

    private const int ListenBacklog = 32;

    private readonly Socket _listener;
    private readonly List<PendingHostConnection> _pendingHost = [];
    private uint _nextHostPort = FirstHostInitiatedPort;

    /// <summary>Accepts every waiting host client; each must send its CONNECT line next.</summary>
    private void AcceptHostClients()
    {
        while (UnixStreams.TryAccept(_listener) is Socket client)
        {
            if (_pendingHost.Count >= MaxPendingHostClients || _connections.Count >= MaxConnections)
            {
                client.Dispose(); // the client sees EOF: the VMM is at its limit
                continue;
            }

            var pending = new PendingHostConnection(client, _time.GetTimestamp() + Ticks(ConnectLineTimeout));
            pending.Source = new DynamicWorkSource(UnixStreams.Fd(client), static () => Libc.POLLIN, _ => ReadConnectLine(pending));
            _pendingHost.Add(pending);
            DynamicSources.Add(pending.Source);
        }
    }

    private void ReadConnectLine(PendingHostConnection pending)
    {
        Span<byte> one = stackalloc byte[1];
        while (true)
        {
            int read = pending.Socket.Receive(one, SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                return;
            }

            if (error != SocketError.Success || read == 0)
            {
                DropPending(pending);
                return;
            }

            if (one[0] == (byte)'\n')
            {
                ConnectHostToGuest(pending);
                return;
            }

            if (!pending.Append(one[0]))
            {
                DropPending(pending);
                return;
            }
        }
    }

    /// <summary>A complete CONNECT line: a new stream, a REQUEST to the guest, and the connect deadline.</summary>
    private void ConnectHostToGuest(PendingHostConnection pending)
    {
        if (!HybridConnectLine.TryParse(pending.Line, out uint guestPort) || _context is null || _connections.Count >= MaxConnections)
        {
            DropPending(pending);
            return;
        }

        _pendingHost.Remove(pending);
        DynamicSources.Remove(pending.Source!);
        uint hostPort = AllocateHostPort(guestPort);
        var connection = new VsockConnection(hostPort, guestPort, pending.Socket, VsockConnectionState.Connecting)
        {
            SendRequest = true,
            Deadline = _time.GetTimestamp() + Ticks(ConnectTimeout),
        };
        Track(connection);
    }

    /// <summary>A guest REQUEST to host port P: connect to PATH_P and answer RESPONSE, or RST when nobody listens.</summary>
    private void ConnectGuestToHost(in VsockPacketHeader request)
    {
        Socket? host = _connections.Count < MaxConnections
            ? UnixStreams.TryConnect(SocketPath + "_" + request.DestinationPort.ToString(CultureInfo.InvariantCulture))
            : null;
        if (host is null)
        {
            QueueReset(request); // connection refused, as a host socket would answer
            return;
        }

        var connection = new VsockConnection(request.DestinationPort, request.SourcePort, host, VsockConnectionState.Established)
        {
            SendResponse = true,
        };
        connection.UpdatePeerCredit(request);
        Track(connection);
    }

    private void Track(VsockConnection connection)
    {
        connection.Source = new DynamicWorkSource(UnixStreams.Fd(connection.Host), connection.Interest, events => HostSocketReady(connection, events));
        _connections.Add((connection.LocalPort, connection.PeerPort), connection);
        DynamicSources.Add(connection.Source);
        ScheduleReceive(connection);
    }

    private uint AllocateHostPort(uint guestPort)
    {
        while (true)
        {
            uint candidate = _nextHostPort;
            _nextHostPort = _nextHostPort == uint.MaxValue - 1 ? FirstHostInitiatedPort : _nextHostPort + 1;
            // At most MaxConnections ports are taken, so this ends within that many steps.
            if (!_connections.ContainsKey((candidate, guestPort)))
            {
                return candidate;
            }
        }
    }

    private void HostSocketReady(VsockConnection connection, short events)
    {
        if ((events & DynamicWorkSource.PollOut) != 0)
        {
            FlushToHost(connection);
        }

        if (connection.Closed || connection.State == VsockConnectionState.Resetting)
        {
            return;
        }

        if ((events & (Libc.POLLHUP | Libc.POLLERR)) != 0)
        {
            // The host closed its socket: read what is left, then tell the guest both ways are shut.
            connection.HostHangup = true;
            if (connection.HostEof)
            {
                connection.SendShutdownFlags |= VirtioVsock.ShutdownReceive | VirtioVsock.ShutdownSend;
            }
            else if (connection.State != VsockConnectionState.Established)
            {
                Abort(connection);
            }
            else
            {
                connection.HostReadable = true;
            }
        }
        else if ((events & Libc.POLLIN) != 0)
        {
            connection.HostReadable = true;
        }

        ScheduleReceive(connection);
    }

    /// <summary>Gives the host socket what it takes of the buffered guest bytes; owes the guest credit as it drains.</summary>
    private void FlushToHost(VsockConnection connection)
    {
        if (connection.Closed || connection.State == VsockConnectionState.Resetting)
        {
            return; // the host socket is closed already
        }

        while (connection.ToHost.Count > 0)
        {
            int written = connection.Host.Send(connection.ToHost.Peek(), SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                break;
            }

            if (error != SocketError.Success)
            {
                Abort(connection); // EPIPE, ECONNRESET: the host is gone
                ScheduleReceive(connection);
                return;
            }

            connection.ToHost.Consume(written);
            int control = Math.Min(written, connection.ControlBytesQueued);
            connection.ControlBytesQueued -= control;
            connection.Forwarded += (uint)(written - control);
        }

        // Tell the guest about freed space before it runs short (as Linux does when free space
        // drops under one maximum packet); a blocked guest always sees 0 free, so it is told.
        uint guestSeesFree = VsockConnection.BufferSize - (connection.Received - connection.AdvertisedForwarded);
        if (connection.Forwarded != connection.AdvertisedForwarded && guestSeesFree < VirtioVsock.MaxPayload)
        {
            connection.SendCreditUpdate = true;
        }

        if (connection.ToHost.Count == 0)
        {
            if (connection.GuestShutSend && !connection.HostWriteShut && !connection.HostHangup)
            {
                connection.HostWriteShut = true;
                try
                {
                    connection.Host.Shutdown(SocketShutdown.Send); // the host reads EOF
                }
                catch (SocketException)
                {
                    // Already gone: the RST below or the next write reports it.
                }
            }

            if (connection.State == VsockConnectionState.Closing)
            {
                Abort(connection);
            }
        }

        ScheduleReceive(connection);
    }

    /// <summary>Ends a stream from this side: the host socket closes now, the guest gets an RST when it has a buffer.</summary>
    private void Abort(VsockConnection connection)
    {
        if (connection.Closed || connection.State == VsockConnectionState.Resetting)
        {
            return;
        }

        ReleaseHost(connection);
        connection.State = VsockConnectionState.Resetting;
        connection.Deadline = 0;
        connection.SendRequest = connection.SendResponse = connection.SendCreditUpdate = false;
        connection.SendShutdownFlags = 0;
        connection.HostReadable = false;
        connection.SendReset = true;
    }

    /// <summary>Ends a stream the guest reset (or at device reset): nothing is sent.</summary>
    private void Close(VsockConnection connection)
    {
        ReleaseHost(connection);
        Forget(connection);
    }

    /// <summary>Drops the table entry (after its RST was delivered, or on Close).</summary>
    private void Forget(VsockConnection connection)
    {
        connection.Closed = true;
        _connections.Remove((connection.LocalPort, connection.PeerPort));
    }

    private void ReleaseHost(VsockConnection connection)
    {
        if (connection.Source is { Removed: false } source)
        {
            DynamicSources.Remove(source);
            connection.Host.Dispose();
            connection.ToHost.Clear();
        }
    }

    private void DropPending(PendingHostConnection pending)
    {
        _pendingHost.Remove(pending);
        if (pending.Source is not null)
        {
            DynamicSources.Remove(pending.Source);
        }

        pending.Socket.Dispose();
    }

    /// <summary>After every wake-up of the worker: deadlines, then whatever the handlers made ready.</summary>
    private void AfterWake()
    {
        if (_context is null)
        {
            return;
        }

        long now = _time.GetTimestamp();
        foreach (PendingHostConnection pending in _pendingHost.Where(p => now >= p.Deadline).ToArray())
        {
            DropPending(pending);
        }

        foreach (VsockConnection connection in _connections.Values.Where(c => c.Deadline != 0 && now >= c.Deadline).ToArray())
        {
            Abort(connection); // the guest never answered the REQUEST, or the host never took the last bytes
            ScheduleReceive(connection);
        }

        FillReceiveQueue();
        if (_transmitStalled)
        {
            ProcessTransmitQueue();
        }
    }

    /// <summary>The worker's wait limit: until the nearest deadline (-1: none).</summary>
    private int NextTimeoutMilliseconds()
    {
        long nearest = long.MaxValue;
        foreach (PendingHostConnection pending in _pendingHost)
        {
            nearest = Math.Min(nearest, pending.Deadline);
        }

        foreach (VsockConnection connection in _connections.Values)
        {
            if (connection.Deadline != 0)
            {
                nearest = Math.Min(nearest, connection.Deadline);
            }
        }

        if (nearest == long.MaxValue)
        {
            return -1;
        }

        TimeSpan left = _time.GetElapsedTime(_time.GetTimestamp(), nearest);
        return left <= TimeSpan.Zero ? 0 : (int)Math.Min(Math.Ceiling(left.TotalMilliseconds), int.MaxValue);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
