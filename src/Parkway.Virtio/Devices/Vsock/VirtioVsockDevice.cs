using System.Buffers.Binary;
using System.Net.Sockets;
using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Events;
using Parkway.Virtio.Queues;

namespace Parkway.Virtio.Devices.Vsock;

/// <summary>
/// virtio-vsock (virtio 1.2 §5.10), stream sockets only, with the host side in the hybrid vsock
/// protocol: the VMM listens on a Unix socket PATH; a host client connects there and writes
/// <c>CONNECT &lt;guest port&gt;\n</c>, and gets <c>OK &lt;host port&gt;\n</c> once the guest accepted;
/// a guest connection to host port P is a connection to the Unix socket <c>PATH_P</c>.
/// <para>Everything runs on the device's worker: queue kicks, the listening socket and each
/// connection's socket (added to and removed from the worker's <see cref="DynamicSources"/>),
/// and the deadlines (the worker's wait timeout).</para>
/// <para>This file: the device surface and the receive queue. VirtioVsockDevice.Guest.cs: the
/// guest's packets. VirtioVsockDevice.Host.cs: the host sockets.</para>
/// </summary>
public sealed partial class VirtioVsockDevice : IVirtioDevice, IDisposable
{
    /// <summary>Most open streams (each may buffer <see cref="VsockConnection.BufferSize"/> bytes).</summary>
    public const int MaxConnections = 256;

    /// <summary>Most RSTs for unknown connections waiting for receive buffers; the transmit queue waits beyond this.</summary>
    public const int MaxQueuedResets = 64;

    private readonly GuestErrorLog _log;
    private readonly TimeProvider _time;
    private readonly Dictionary<(uint Local, uint Peer), VsockConnection> _connections = [];
    private readonly Queue<VsockConnection> _receiveList = new();
    private readonly Queue<VsockPacketHeader> _resets = new();
    private readonly byte[] _packet = new byte[VirtioVsock.HeaderSize + VirtioVsock.MaxPayload];
    private VirtioDeviceContext? _context;
    private DescriptorChain? _heldReceiveChain;
    private bool _transmitStalled;
    private bool _transportResetPending;
    private bool _disposed;

    /// <summary>Creates the device and starts listening on the options' socket path (the caller checked it with <see cref="VsockOptionsParser.CheckSocketPath"/>).</summary>
    /// <exception cref="VirtioConfigurationException">The socket cannot be created there.</exception>
    public VirtioVsockDevice(string name, VsockOptions options, GuestErrorLog log, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        Name = name;
        GuestCid = options.GuestCid;
        SocketPath = options.SocketPath;
        _log = log;
        _time = time ?? TimeProvider.System;
        try
        {
            _listener = UnixStreams.Listen(SocketPath, ListenBacklog);
        }
        catch (SocketException e)
        {
            throw new VirtioConfigurationException($"--vsock: cannot listen on {SocketPath}: {e.Message}");
        }

        DynamicSources = new DynamicWorkSources(NextTimeoutMilliseconds, AfterWake);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The guest's context id.</summary>
    public ulong GuestCid { get; }

    /// <summary>The hybrid socket's path.</summary>
    public string SocketPath { get; }

    /// <summary>Open streams (for tests and diagnostics; worker thread or worker stopped).</summary>
    public int ConnectionCount => _connections.Count;

    /// <inheritdoc />
    public VirtioDeviceType DeviceType => VirtioDeviceType.Vsock;

    /// <inheritdoc />
    public ulong DeviceFeatures => 0; // stream only: VIRTIO_VSOCK_F_SEQPACKET is not offered

    /// <inheritdoc />
    public int QueueCount => 3;

    /// <inheritdoc />
    public ushort MaxQueueSize => 256;

    /// <inheritdoc />
    public IReadOnlyList<WorkSource> DeviceSources => [];

    /// <inheritdoc />
    public DynamicWorkSources DynamicSources { get; }

    /// <inheritdoc />
    public void ReadConfig(uint offset, Span<byte> data)
    {
        data.Clear();
        Span<byte> config = stackalloc byte[VirtioVsock.ConfigSize];
        BinaryPrimitives.WriteUInt64LittleEndian(config[VirtioVsock.ConfigGuestCid..], GuestCid);
        if (offset < config.Length)
        {
            ReadOnlySpan<byte> available = config[(int)offset..];
            available[..Math.Min(available.Length, data.Length)].CopyTo(data);
        }
    }

    /// <inheritdoc />
    public bool WriteConfig(uint offset, ReadOnlySpan<byte> data) => false; // guest_cid is read-only

    /// <inheritdoc />
    public void Activate(VirtioDeviceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _context = context;
        // A fresh source each activation: a reset removed the previous one for good.
        DynamicSources.Add(new DynamicWorkSource(UnixStreams.Fd(_listener), static () => Parkway.Interop.Libc.POLLIN, _ => AcceptHostClients()));
    }

    /// <inheritdoc />
    public void Reset()
    {
        // The worker has stopped: every stream ends (the guest driver that comes next knows none).
        foreach (VsockConnection connection in _connections.Values.ToArray())
        {
            Close(connection);
        }

        foreach (PendingHostConnection pending in _pendingHost.ToArray())
        {
            DropPending(pending);
        }

        DynamicSources.Clear();
        _receiveList.Clear();
        _resets.Clear();
        _heldReceiveChain = null;
        _transmitStalled = false;
        _context = null;
    }

    /// <inheritdoc />
    public VirtioDeviceState SaveState() => new VsockDeviceState(GuestCid, SocketPath);

    /// <inheritdoc />
    public void ProcessQueue(int queueIndex)
    {
        switch (queueIndex)
        {
            case VirtioVsock.ReceiveQueue:
                FillReceiveQueue();
                if (_transmitStalled)
                {
                    ProcessTransmitQueue();
                }

                break;
            case VirtioVsock.TransmitQueue:
                ProcessTransmitQueue();
                break;
            case VirtioVsock.EventQueue:
                SendTransportReset();
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// After a restore (worker stopped): the guest's connections were host sockets of another
    /// process and are gone, so the guest is told with VIRTIO_VSOCK_EVENT_TRANSPORT_RESET on the
    /// event queue, as soon as the worker runs and the guest has an event buffer posted. Linux then
    /// re-reads guest_cid and resets every connected socket (listening ones stay).
    /// </summary>
    public void RequestTransportReset() => _transportResetPending = true;

    /// <inheritdoc />
    public void Quiesce()
    {
        SplitQueue? queue = _context?.Queues[VirtioVsock.ReceiveQueue];
        if (_heldReceiveChain is null || queue is null)
        {
            return;
        }

        if (!queue.TryGiveBack([_heldReceiveChain]))
        {
            // Taken before a chain that was completed: it cannot go back, so it returns empty.
            queue.AddUsed(_heldReceiveChain.Head, 0);
            _context!.FinishBatch(queue, PopStatus.Empty);
        }

        _heldReceiveChain = null;
    }

    private void SendTransportReset()
    {
        VirtioDeviceContext? context = _context;
        SplitQueue? queue = context?.Queues[VirtioVsock.EventQueue];
        if (!_transportResetPending || context is null || queue is null)
        {
            return;
        }

        PopStatus status;
        while ((status = queue.TryPop(out DescriptorChain? chain)) == PopStatus.Available)
        {
            if (chain!.WritableLength < VirtioVsock.EventSize)
            {
                _log.Report(Name, GuestErrorKind.MalformedRequest, $"event buffer at head {chain.Head} has {chain.WritableLength} writable bytes, less than {VirtioVsock.EventSize}");
                queue.AddUsed(chain.Head, 0);
                continue;
            }

            Span<byte> evt = stackalloc byte[VirtioVsock.EventSize];
            BinaryPrimitives.WriteUInt32LittleEndian(evt, VirtioVsock.EventTransportReset);
            GuestBufferList.Write(context.Memory, chain.Writable, 0, evt);
            queue.AddUsed(chain.Head, VirtioVsock.EventSize);
            _transportResetPending = false;
            break;
        }

        context.FinishBatch(queue, status);
    }

    /// <summary>Closes every stream and the listening socket and removes the socket file. Call after the transport stopped the worker.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Reset();
        _listener.Dispose();
        File.Delete(SocketPath);
    }

    /// <summary>Fills receive buffers with packets for the guest until either runs out (worker thread).</summary>
    private void FillReceiveQueue()
    {
        VirtioDeviceContext? context = _context;
        SplitQueue? queue = context?.Queues[VirtioVsock.ReceiveQueue];
        if (context is null || queue is null)
        {
            return;
        }

        PopStatus status = PopStatus.Empty;
        while (_resets.Count > 0 || _receiveList.Count > 0)
        {
            if (_heldReceiveChain is null)
            {
                status = queue.TryPop(out DescriptorChain? chain);
                if (status != PopStatus.Available)
                {
                    break;
                }

                if (chain!.WritableLength < VirtioVsock.HeaderSize || chain.ReadableLength != 0)
                {
                    _log.Report(Name, GuestErrorKind.MalformedRequest, $"receive buffer at head {chain.Head} has {chain.WritableLength} writable and {chain.ReadableLength} readable bytes (needs at least a {VirtioVsock.HeaderSize}-byte header, writable only)");
                    queue.AddUsed(chain.Head, 0);
                    continue;
                }

                _heldReceiveChain = chain;
            }

            int written = WriteNextPacket(context, _heldReceiveChain);
            if (written == 0)
            {
                break; // nothing after all (a host socket had no data); the chain waits for the next packet
            }

            queue.AddUsed(_heldReceiveChain.Head, (uint)written);
            _heldReceiveChain = null;
        }

        context.FinishBatch(queue, status);
    }

    /// <summary>Writes one packet into <paramref name="chain"/>; returns its length (0: nothing to send).</summary>
    private int WriteNextPacket(VirtioDeviceContext context, DescriptorChain chain)
    {
        if (_resets.TryDequeue(out VsockPacketHeader reset))
        {
            return Deliver(context, chain, reset, 0);
        }

        while (_receiveList.TryDequeue(out VsockConnection? connection))
        {
            connection.InReceiveList = false;
            int written = connection.Closed ? 0 : WriteConnectionPacket(context, connection, chain);
            ScheduleReceive(connection); // round robin: back of the list if it has more
            if (written > 0)
            {
                return written;
            }
        }

        return 0;
    }

    /// <summary>The next packet of one stream in protocol order: connect, credit, data, shutdown; an RST ends it.</summary>
    private int WriteConnectionPacket(VirtioDeviceContext context, VsockConnection connection, DescriptorChain chain)
    {
        if (connection.SendReset)
        {
            connection.SendReset = false;
            int length = Deliver(context, chain, Header(connection, VirtioVsock.OpReset), 0);
            Forget(connection);
            return length;
        }

        if (connection.SendRequest || connection.SendResponse)
        {
            ushort op = connection.SendRequest ? VirtioVsock.OpRequest : VirtioVsock.OpResponse;
            connection.SendRequest = connection.SendResponse = false;
            return Deliver(context, chain, Header(connection, op), 0);
        }

        if (connection.WantsToSendData)
        {
            int written = WriteData(context, connection, chain);
            if (written > 0 || connection.SendReset)
            {
                return written > 0 ? written : WriteConnectionPacket(context, connection, chain);
            }
        }

        if (connection.SendCreditUpdate)
        {
            return Deliver(context, chain, Header(connection, VirtioVsock.OpCreditUpdate), 0);
        }

        if (connection.SendShutdownFlags != 0)
        {
            VsockPacketHeader shutdown = Header(connection, VirtioVsock.OpShutdown) with { Flags = connection.SendShutdownFlags };
            connection.SendShutdownFlags = 0;
            return Deliver(context, chain, shutdown, 0);
        }

        return 0;
    }

    /// <summary>Moves host bytes into one RW packet, within the guest's credit; a CREDIT_REQUEST when it has none.</summary>
    private int WriteData(VirtioDeviceContext context, VsockConnection connection, DescriptorChain chain)
    {
        uint free = connection.PeerFree;
        if (free == 0)
        {
            if (connection.CreditRequested)
            {
                return 0;
            }

            connection.CreditRequested = true;
            return Deliver(context, chain, Header(connection, VirtioVsock.OpCreditRequest), 0);
        }

        int room = (int)Math.Min(Math.Min(chain.WritableLength - (uint)VirtioVsock.HeaderSize, free), (uint)VirtioVsock.MaxPayload);
        if (room == 0)
        {
            return 0;
        }

        Span<byte> payload = _packet.AsSpan(VirtioVsock.HeaderSize, room);
        int read = connection.Host.Receive(payload, SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock)
        {
            connection.HostReadable = false; // poll the socket again
            return 0;
        }

        if (error != SocketError.Success)
        {
            Abort(connection); // the host side broke: the guest gets an RST
            return 0;
        }

        if (read == 0)
        {
            // EOF: the host will send no more. A full hang-up also means it will not read.
            connection.HostReadable = false;
            connection.HostEof = true;
            connection.SendShutdownFlags |= VirtioVsock.ShutdownSend | (connection.HostHangup ? VirtioVsock.ShutdownReceive : 0);
            return 0;
        }

        connection.Sent += (uint)read;
        return Deliver(context, chain, Header(connection, VirtioVsock.OpReadWrite) with { Length = (uint)read }, read);
    }

    /// <summary>Writes header + <paramref name="payloadLength"/> bytes of <see cref="_packet"/>'s payload into the chain.</summary>
    private int Deliver(VirtioDeviceContext context, DescriptorChain chain, VsockPacketHeader header, int payloadLength)
    {
        header.Write(_packet);
        return GuestBufferList.Write(context.Memory, chain.Writable, 0, _packet.AsSpan(0, VirtioVsock.HeaderSize + payloadLength));
    }

    /// <summary>A host → guest header for a stream; it carries the current credit, so no separate update is owed after it.</summary>
    private VsockPacketHeader Header(VsockConnection connection, ushort op)
    {
        connection.AdvertisedForwarded = connection.Forwarded;
        connection.SendCreditUpdate = false;
        return new VsockPacketHeader(VirtioVsock.HostCid, GuestCid, connection.LocalPort, connection.PeerPort, 0,
            VirtioVsock.TypeStream, op, 0, VsockConnection.BufferSize, connection.Forwarded);
    }

    /// <summary>Puts a stream on the receive work list when it has something for the guest.</summary>
    private void ScheduleReceive(VsockConnection connection)
    {
        if (!connection.InReceiveList && connection.HasReceiveWork)
        {
            connection.InReceiveList = true;
            _receiveList.Enqueue(connection);
        }
    }
}
