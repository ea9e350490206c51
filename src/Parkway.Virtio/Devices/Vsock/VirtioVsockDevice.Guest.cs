using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Queues;

namespace Parkway.Virtio.Devices.Vsock;

/// <summary>The guest's packets (transmit queue). Every field is hostile input.</summary>
public sealed partial class VirtioVsockDevice
{
    /// <summary>Serves the transmit queue; waits (without popping) while too many RSTs wait for receive buffers.</summary>
    private void ProcessTransmitQueue()
    {
        VirtioDeviceContext? context = _context;
        SplitQueue? queue = context?.Queues[VirtioVsock.TransmitQueue];
        if (context is null || queue is null)
        {
            return;
        }

        _transmitStalled = false;
        PopStatus status = PopStatus.Empty;
        while (true)
        {
            if (_resets.Count >= MaxQueuedResets)
            {
                // A guest that sends garbage without draining its receive queue is answered as fast
                // as it reads: its next receive kick resumes this.
                _transmitStalled = true;
                break;
            }

            status = queue.TryPop(out DescriptorChain? chain);
            if (status != PopStatus.Available)
            {
                break;
            }

            HandlePacket(context, chain!);
            queue.AddUsed(chain!.Head, 0);
        }

        context.FinishBatch(queue, status);
        FillReceiveQueue();
    }

    private void HandlePacket(VirtioDeviceContext context, DescriptorChain chain)
    {
        uint readable = chain.ReadableLength;
        if (readable < VirtioVsock.HeaderSize)
        {
            _log.Report(Name, GuestErrorKind.MalformedRequest, $"dropped a {readable}-byte transmit packet (the header alone is {VirtioVsock.HeaderSize})");
            return;
        }

        GuestBufferList.Read(context.Memory, chain.Readable, 0, _packet.AsSpan(0, VirtioVsock.HeaderSize));
        var header = VsockPacketHeader.Read(_packet);
        if (header.SourceCid != GuestCid || header.DestinationCid != VirtioVsock.HostCid)
        {
            // Not answered: an RST would go to an address that is not the guest's.
            _log.Report(Name, GuestErrorKind.MalformedRequest, $"dropped a packet from cid {header.SourceCid} to cid {header.DestinationCid} (the guest is {GuestCid}, the host {VirtioVsock.HostCid})");
            return;
        }

        uint payload = readable - VirtioVsock.HeaderSize;
        bool lengthOk = header.Op == VirtioVsock.OpReadWrite
            ? header.Length <= payload && header.Length <= VirtioVsock.MaxPayload
            : header.Length == 0;
        if (!lengthOk || header.Type != VirtioVsock.TypeStream)
        {
            string problem = lengthOk ? $"type {header.Type} (only stream, {VirtioVsock.TypeStream}, is offered)" : $"len {header.Length} with {payload} payload bytes for op {header.Op}";
            _log.Report(Name, GuestErrorKind.MalformedRequest, $"reset port {header.SourcePort} → {header.DestinationPort}: {problem}");
            ResetFromGuestPacket(header);
            return;
        }

        if (!_connections.TryGetValue((header.DestinationPort, header.SourcePort), out VsockConnection? connection))
        {
            if (header.Op == VirtioVsock.OpRequest)
            {
                ConnectGuestToHost(header);
            }
            else if (header.Op != VirtioVsock.OpReset)
            {
                _log.Report(Name, GuestErrorKind.UnknownConnection, $"op {header.Op} from guest port {header.SourcePort} to host port {header.DestinationPort}, which are not connected (answered with RST)");
                QueueReset(header);
            }

            return;
        }

        if (connection.State == VsockConnectionState.Resetting)
        {
            return; // an RST is on its way; whatever crossed it is moot
        }

        connection.UpdatePeerCredit(header);
        switch (header.Op)
        {
            case VirtioVsock.OpResponse:
                Accepted(connection);
                break;
            case VirtioVsock.OpReset:
                Close(connection);
                return;
            case VirtioVsock.OpShutdown:
                GuestShutdown(connection, header.Flags);
                break;
            case VirtioVsock.OpReadWrite:
                GuestData(context, chain, connection, header.Length);
                break;
            case VirtioVsock.OpCreditUpdate:
                break; // the credit was taken above
            case VirtioVsock.OpCreditRequest:
                connection.SendCreditUpdate = true;
                break;
            default:
                // REQUEST on a live stream, or an op that does not exist.
                _log.Report(Name, header.Op == VirtioVsock.OpRequest ? GuestErrorKind.ProtocolViolation : GuestErrorKind.MalformedRequest,
                    $"op {header.Op} on the stream guest port {header.SourcePort} ↔ host port {header.DestinationPort} (reset)");
                Abort(connection);
                break;
        }

        ScheduleReceive(connection);
    }

    private void Accepted(VsockConnection connection)
    {
        if (connection.State != VsockConnectionState.Connecting)
        {
            _log.Report(Name, GuestErrorKind.ProtocolViolation, $"RESPONSE on the stream guest port {connection.PeerPort} ↔ host port {connection.LocalPort}, which was not connecting (reset)");
            Abort(connection);
            return;
        }

        connection.State = VsockConnectionState.Established;
        connection.Deadline = 0;
        byte[] ok = HybridConnectLine.Acknowledgement(connection.LocalPort);
        connection.ToHost.Write(ok);
        connection.ControlBytesQueued += ok.Length;
        FlushToHost(connection);
    }

    private void GuestShutdown(VsockConnection connection, uint flags)
    {
        connection.GuestShutReceive |= (flags & VirtioVsock.ShutdownReceive) != 0;
        connection.GuestShutSend |= (flags & VirtioVsock.ShutdownSend) != 0;
        if (connection.GuestShutReceive && connection.GuestShutSend)
        {
            // The guest closed: the host gets the bytes still buffered, then the RST ends the stream.
            connection.State = VsockConnectionState.Closing;
            connection.Deadline = _time.GetTimestamp() + Ticks(CloseTimeout);
        }

        FlushToHost(connection);
    }

    private void GuestData(VirtioDeviceContext context, DescriptorChain chain, VsockConnection connection, uint length)
    {
        if (connection.State != VsockConnectionState.Established || connection.GuestShutSend)
        {
            _log.Report(Name, GuestErrorKind.ProtocolViolation, $"RW on the stream guest port {connection.PeerPort} ↔ host port {connection.LocalPort} in state {connection.State}{(connection.GuestShutSend ? " after SHUTDOWN send" : "")} (reset)");
            Abort(connection);
            return;
        }

        if (connection.Buffered + (ulong)length > VsockConnection.BufferSize)
        {
            _log.Report(Name, GuestErrorKind.ProtocolViolation, $"{length} bytes on guest port {connection.PeerPort} ↔ host port {connection.LocalPort} with {VsockConnection.BufferSize - connection.Buffered} bytes of credit (reset)");
            Abort(connection);
            return;
        }

        if (length == 0)
        {
            return;
        }

        Span<byte> payload = _packet.AsSpan(VirtioVsock.HeaderSize, (int)length);
        GuestBufferList.Read(context.Memory, chain.Readable, VirtioVsock.HeaderSize, payload);
        connection.ToHost.Write(payload);
        connection.Received += length;
        FlushToHost(connection);
    }

    /// <summary>The answer to a malformed packet: an RST for its stream, which ends it if it exists.</summary>
    private void ResetFromGuestPacket(in VsockPacketHeader header)
    {
        if (_connections.TryGetValue((header.DestinationPort, header.SourcePort), out VsockConnection? connection))
        {
            Abort(connection);
            ScheduleReceive(connection);
        }
        else if (header.Op != VirtioVsock.OpReset)
        {
            QueueReset(header);
        }
    }

    /// <summary>An RST for a packet that has no stream (never for an RST).</summary>
    private void QueueReset(in VsockPacketHeader packet)
    {
        if (_resets.Count < MaxQueuedResets)
        {
            _resets.Enqueue(new VsockPacketHeader(VirtioVsock.HostCid, GuestCid, packet.DestinationPort, packet.SourcePort, 0,
                packet.Type, VirtioVsock.OpReset, 0, VsockConnection.BufferSize, 0));
        }
    }
}
