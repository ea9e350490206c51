using Parkway.Virtio.Devices.Vsock;
using Parkway.Virtio.Memory;
using Parkway.Virtio.Transport;
using static Parkway.Virtio.Queues.VirtqueueLayout;

namespace Parkway.Virtio.Tests.Support;

/// <summary>
/// Plays Linux's virtio vsock transport against the device through the rings in byte-array guest
/// memory: posts receive buffers (4 KiB of payload each, as Linux does), sends packets on the
/// transmit queue as a header descriptor chained to a payload descriptor, and kicks through the
/// transport's QueueNotify, so the device's own worker thread does the work. Waits are bounded by a
/// hang guard only; nothing measures time.
/// </summary>
internal sealed class VsockGuest
{
    public const int ReceiveBufferSize = VirtioVsock.HeaderSize + 4096;
    public const int MaxSendPayload = 32 * 1024;
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly MmioDriver _driver;
    private readonly QueueFixture _rx;
    private readonly QueueFixture _tx;
    private readonly ulong[] _rxBuffers;
    private readonly ulong[] _txHeaders;
    private readonly ulong[] _txPayloads;
    private ushort _rxConsumed;
    private int _sent;

    public VsockGuest(MmioDriver driver, QueueFixture rx, QueueFixture tx, ulong cid, int receiveBuffers)
    {
        _driver = driver;
        _rx = rx;
        _tx = tx;
        Cid = cid;
        _rxBuffers = new ulong[rx.Size];
        for (ushort i = 0; i < rx.Size; i++)
        {
            _rxBuffers[i] = rx.Allocate(ReceiveBufferSize);
            rx.SetDescriptor(i, _rxBuffers[i], ReceiveBufferSize, DescriptorFlagWrite);
        }

        _txHeaders = new ulong[tx.Size / 2];
        _txPayloads = new ulong[tx.Size / 2];
        for (int i = 0; i < _txHeaders.Length; i++)
        {
            _txHeaders[i] = tx.Allocate(VirtioVsock.HeaderSize);
            _txPayloads[i] = tx.Allocate(MaxSendPayload);
        }

        _rxConsumed = rx.StartIndex;
        PostReceiveBuffers(receiveBuffers);
    }

    public ulong Cid { get; }

    /// <summary>The buf_alloc this guest advertises.</summary>
    public uint BufAlloc { get; set; } = 64 * 1024;

    /// <summary>The fwd_cnt this guest advertises (bytes its "application" consumed).</summary>
    public uint ForwardCount { get; set; }

    /// <summary>The fwd_cnt of the last packet sent (what the device knows).</summary>
    public uint AdvertisedForwardCount { get; private set; }

    private int _nextRxDescriptor;

    /// <summary>Posts <paramref name="count"/> more receive buffers (their descriptors are fresh) and kicks.</summary>
    public void PostReceiveBuffers(int count)
    {
        for (int i = 0; i < count; i++)
        {
            _rx.Publish((ushort)(_nextRxDescriptor++ % _rx.Size));
        }

        if (count > 0)
        {
            _driver.Write(VirtioMmioRegisters.QueueNotify, VirtioVsock.ReceiveQueue);
        }
    }

    public VsockPacketHeader Header(ushort op, uint sourcePort, uint destinationPort, uint length = 0, uint flags = 0) =>
        new(Cid, VirtioVsock.HostCid, sourcePort, destinationPort, length, VirtioVsock.TypeStream, op, flags, BufAlloc, ForwardCount);

    /// <summary>Sends a header (and payload) and waits until the device returned the chain.</summary>
    public void Send(VsockPacketHeader header, ReadOnlySpan<byte> payload = default)
    {
        AdvertisedForwardCount = header.ForwardCount;
        var bytes = new byte[VirtioVsock.HeaderSize];
        header.Write(bytes);
        SendRaw(bytes, payload);
    }

    /// <summary>Sends arbitrary bytes as the "header" descriptor (for malformed packets).</summary>
    public void SendRaw(ReadOnlySpan<byte> headerBytes, ReadOnlySpan<byte> payload = default)
    {
        int slot = _sent % _txHeaders.Length;
        ushort head = (ushort)(2 * slot);
        _rx.Memory.Write(_txHeaders[slot], headerBytes);
        if (payload.Length > 0)
        {
            _rx.Memory.Write(_txPayloads[slot], payload);
            _tx.SetDescriptor(head, _txHeaders[slot], (uint)headerBytes.Length, DescriptorFlagNext, (ushort)(head + 1));
            _tx.SetDescriptor((ushort)(head + 1), _txPayloads[slot], (uint)payload.Length, 0);
        }
        else
        {
            _tx.SetDescriptor(head, _txHeaders[slot], (uint)headerBytes.Length, 0);
        }

        _tx.Publish(head);
        _sent++;
        _driver.Write(VirtioMmioRegisters.QueueNotify, VirtioVsock.TransmitQueue);
        ushort expected = (ushort)(_tx.StartIndex + _sent);
        WaitFor(() => _tx.UsedIndex == expected, "the device to take a transmit packet");
    }

    /// <summary>The next packet the device delivered; its buffer is posted again.</summary>
    public (VsockPacketHeader Header, byte[] Payload) Receive()
    {
        WaitFor(() => _rx.UsedIndex != _rxConsumed, "a packet on the receive queue");
        return TakeReceived();
    }

    /// <summary>True when a delivered packet is waiting (no waiting).</summary>
    public bool HasReceived => _rx.UsedIndex != _rxConsumed;

    private (VsockPacketHeader Header, byte[] Payload) TakeReceived()
    {
        (uint id, uint length) = _rx.Used(_rxConsumed);
        _rxConsumed++;
        if (length < VirtioVsock.HeaderSize || length > ReceiveBufferSize)
        {
            throw new InvalidOperationException($"the device used a receive buffer for {length} bytes");
        }

        var bytes = new byte[length];
        _rx.Memory.Read(_rxBuffers[id], bytes);
        var header = VsockPacketHeader.Read(bytes);
        if (header.Length != length - VirtioVsock.HeaderSize)
        {
            throw new InvalidOperationException($"header len {header.Length} but {length - VirtioVsock.HeaderSize} payload bytes were written");
        }

        _rx.Publish((ushort)id);
        _driver.Write(VirtioMmioRegisters.QueueNotify, VirtioVsock.ReceiveQueue);
        return (header, bytes[VirtioVsock.HeaderSize..]);
    }

    public static void WaitFor(Func<bool> condition, string what)
    {
        DateTime giveUp = DateTime.UtcNow + HangGuard;
        while (!condition())
        {
            if (DateTime.UtcNow > giveUp)
            {
                throw new TimeoutException($"hang guard: waited {HangGuard.TotalSeconds} s for {what}");
            }

            Thread.Sleep(1);
        }
    }
}
