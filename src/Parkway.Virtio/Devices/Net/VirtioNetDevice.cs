using System.Buffers.Binary;
using Parkway.Interop;
using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Events;
using Parkway.Virtio.Memory;
using Parkway.Virtio.Queues;

namespace Parkway.Virtio.Devices.Net;

/// <summary>
/// virtio-net (virtio 1.2 §5.1) with one queue pair over an <see cref="INetBackend"/> (a tap).
/// <para>Transmit: each chain's readable bytes (virtio-net header + frame) are one frame to the
/// backend, handed over as one gather list straight from guest memory (writev, no copy; a chain of
/// more than IOV_MAX pieces goes through a bounce buffer instead); a chain too short for a header or
/// longer than <see cref="VirtioNet.MaxFrameSize"/> is dropped and logged.</para>
/// <para>Receive: with VIRTIO_NET_F_MRG_RXBUF and posted buffers for the largest frame held, one
/// readv puts the frame straight into them and num_buffers is written into its header afterwards.
/// Otherwise (few buffers posted, no mergeable buffers) a frame is read into a bounce buffer and
/// copied into the guest's buffers once they are there. While a frame waits for buffers the backend
/// is not polled, so a guest that stops draining leaves frames in the tap's own bounded queue (where
/// the kernel drops them) instead of in the VMM.</para>
/// <para>Offloads: CSUM / HOST_TSO* are the guest's to use on transmit (the header passes through
/// the tap); GUEST_CSUM / GUEST_TSO* / GUEST_ECN negotiated become TUNSETOFFLOAD at activation.</para>
/// </summary>
public sealed class VirtioNetDevice : IVirtioDevice
{
    private readonly INetBackend _backend;
    private readonly MacAddress _mac;
    private readonly string? _tapName;
    private readonly GuestErrorLog _log;
    private readonly byte[] _config = new byte[VirtioNet.ConfigSize];
    private readonly byte[] _rxFrame = new byte[VirtioNet.MaxFrameSize];
    private readonly byte[] _txFrame = new byte[VirtioNet.MaxFrameSize];
    private readonly IoVector[] _txPieces = new IoVector[Libc.IOV_MAX];
    private readonly IoVector[] _rxPieces = new IoVector[Libc.IOV_MAX];
    private readonly List<DescriptorChain> _rxChains = [];
    private VirtioDeviceContext? _context;
    private bool _mergeable;
    private int _pendingLength;

    /// <summary>Creates the NIC; <paramref name="backend"/> is owned by the caller.</summary>
    public VirtioNetDevice(string name, MacAddress mac, INetBackend backend, GuestErrorLog log, string? tapName = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(log);
        Name = name;
        _mac = mac;
        _backend = backend;
        _log = log;
        _tapName = tapName;

        ulong features = Bit(VirtioNet.FeatureMac) | Bit(VirtioNet.FeatureStatus) | Bit(VirtioNet.FeatureMergeableRxBuffers);
        if (backend.SupportsOffloads)
        {
            features |= Bit(VirtioNet.FeatureCsum) | Bit(VirtioNet.FeatureGuestCsum)
                | Bit(VirtioNet.FeatureGuestTso4) | Bit(VirtioNet.FeatureGuestTso6) | Bit(VirtioNet.FeatureGuestEcn)
                | Bit(VirtioNet.FeatureHostTso4) | Bit(VirtioNet.FeatureHostTso6) | Bit(VirtioNet.FeatureHostEcn);
        }

        DeviceFeatures = features;
        mac.Bytes.CopyTo(_config, VirtioNet.ConfigMac);
        BinaryPrimitives.WriteUInt16LittleEndian(_config.AsSpan(VirtioNet.ConfigStatus), VirtioNet.StatusLinkUp);
        BinaryPrimitives.WriteUInt16LittleEndian(_config.AsSpan(VirtioNet.ConfigMaxQueuePairs), 1);
        DeviceSources = [new WorkSource(backend.Handle, DeliverReceived, Wanted: () => _context is not null && _pendingLength == 0)];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public VirtioDeviceType DeviceType => VirtioDeviceType.Net;

    /// <inheritdoc />
    public ulong DeviceFeatures { get; }

    /// <inheritdoc />
    public int QueueCount => 2;

    /// <inheritdoc />
    public ushort MaxQueueSize => 256;

    /// <inheritdoc />
    public IReadOnlyList<WorkSource> DeviceSources { get; }

    /// <inheritdoc />
    public void ReadConfig(uint offset, Span<byte> data)
    {
        data.Clear();
        if (offset < _config.Length)
        {
            ReadOnlySpan<byte> available = _config.AsSpan((int)offset);
            available[..Math.Min(available.Length, data.Length)].CopyTo(data);
        }
    }

    /// <inheritdoc />
    public bool WriteConfig(uint offset, ReadOnlySpan<byte> data) => false; // the MAC is read-only with VERSION_1

    /// <inheritdoc />
    public void Activate(VirtioDeviceContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _mergeable = VirtioFeatures.Has(context.NegotiatedFeatures, VirtioNet.FeatureMergeableRxBuffers);
        if (_backend.SupportsOffloads)
        {
            try
            {
                _backend.SetOffloads(TunOffloads(context.NegotiatedFeatures));
            }
            catch (IOException e)
            {
                _log.Report(Name, GuestErrorKind.BackendIoError, e.Message);
            }
        }

        _context = context;
    }

    /// <inheritdoc />
    public void Reset()
    {
        _context = null;
        _rxChains.Clear();
        _pendingLength = 0;
    }

    /// <inheritdoc />
    public VirtioDeviceState SaveState() => new NetDeviceState(_mac, _tapName);

    /// <inheritdoc />
    /// <remarks>
    /// Receive buffers taken for a frame that is still waiting for more go back to the ring; the
    /// frame stays in this process (a restored device starts without it: a dropped frame).
    /// </remarks>
    public void Quiesce()
    {
        VirtioDeviceContext? context = _context;
        SplitQueue? queue = context?.Queues[VirtioNet.ReceiveQueue];
        if (_rxChains.Count == 0 || context is null || queue is null)
        {
            return;
        }

        if (!queue.TryGiveBack(_rxChains))
        {
            // A chain was completed after these were taken (an invalid one): they return empty.
            foreach (DescriptorChain chain in _rxChains)
            {
                queue.AddUsed(chain.Head, 0);
            }

            context.FinishBatch(queue, PopStatus.Empty);
        }

        _rxChains.Clear();
    }

    /// <inheritdoc />
    public void ProcessQueue(int queueIndex)
    {
        switch (queueIndex)
        {
            case VirtioNet.ReceiveQueue: DeliverReceived(); break; // the guest posted buffers
            case VirtioNet.TransmitQueue: Transmit(); break;
            default: break;
        }
    }

    /// <summary>The TUN_F_* flags matching the guest's receive offloads.</summary>
    public static uint TunOffloads(ulong negotiated)
    {
        uint flags = 0;
        if (VirtioFeatures.Has(negotiated, VirtioNet.FeatureGuestCsum))
        {
            flags |= TunIoctls.TunFCsum;
            flags |= VirtioFeatures.Has(negotiated, VirtioNet.FeatureGuestTso4) ? TunIoctls.TunFTso4 : 0;
            flags |= VirtioFeatures.Has(negotiated, VirtioNet.FeatureGuestTso6) ? TunIoctls.TunFTso6 : 0;
            flags |= VirtioFeatures.Has(negotiated, VirtioNet.FeatureGuestEcn) ? TunIoctls.TunFTsoEcn : 0;
        }

        return flags;
    }

    /// <summary>Moves frames from the backend into posted receive buffers until one side runs dry (worker thread).</summary>
    public void DeliverReceived()
    {
        VirtioDeviceContext? context = _context;
        SplitQueue? queue = context?.Queues[VirtioNet.ReceiveQueue];
        if (context is null || queue is null)
        {
            return;
        }

        PopStatus status = PopStatus.Empty;
        while (true)
        {
            if (_pendingLength == 0)
            {
                DirectReceive direct = TryReceiveDirect(context, queue, ref status);
                if (direct == DirectReceive.Done)
                {
                    continue;
                }

                if (direct == DirectReceive.NoFrame || !TryReadFrame())
                {
                    break;
                }
            }

            if (!TryPlacePendingFrame(context, queue, out status))
            {
                break;
            }
        }

        context.FinishBatch(queue, status);
    }

    private enum DirectReceive
    {
        /// <summary>A frame was read (and placed, or dropped and logged).</summary>
        Done,

        /// <summary>The backend has no frame waiting (or failed, logged).</summary>
        NoFrame,

        /// <summary>Too few buffers held for the largest frame: use the bounce buffer.</summary>
        NeedsBounce,
    }

    /// <summary>
    /// Reads the next frame straight into held receive buffers when they can take the largest frame,
    /// so the kernel's copy out of the tap is the only one.
    /// </summary>
    private DirectReceive TryReceiveDirect(VirtioDeviceContext context, SplitQueue queue, ref PopStatus status)
    {
        if (!_mergeable)
        {
            return DirectReceive.NeedsBounce;
        }

        long capacity = HeldCapacity();
        while (capacity < VirtioNet.MaxFrameSize)
        {
            if (!TryHoldNextChain(queue, ref status, ref capacity))
            {
                return DirectReceive.NeedsBounce;
            }
        }

        if (_rxChains[0].WritableLength < VirtioNet.HeaderSize)
        {
            return DirectReceive.NeedsBounce; // against the spec (each buffer holds a header): keep the header whole
        }

        int pieces = 0;
        long offered = 0;
        for (int c = 0; c < _rxChains.Count && offered < VirtioNet.MaxFrameSize; c++)
        {
            foreach (GuestBuffer buffer in _rxChains[c].Writable)
            {
                if (pieces == _rxPieces.Length)
                {
                    return DirectReceive.NeedsBounce; // a guest that posts buffers in crumbs
                }

                _rxPieces[pieces++] = context.Memory.GetIoVector(buffer.Address, buffer.Length);
                offered += buffer.Length;
            }
        }

        int length;
        try
        {
            length = _backend.ReceiveFrame(_rxPieces.AsSpan(0, pieces));
        }
        catch (IOException e)
        {
            _log.Report(Name, GuestErrorKind.BackendIoError, e.Message);
            return DirectReceive.NoFrame;
        }

        if (length == 0)
        {
            return DirectReceive.NoFrame;
        }

        if (length < VirtioNet.HeaderSize)
        {
            // The bytes went into buffers still held (not published): the guest never sees them.
            _log.Report(Name, GuestErrorKind.BackendIoError, $"dropped a {length}-byte frame without a virtio-net header from the backend");
            return DirectReceive.Done;
        }

        int used = ChainsCovering(length);
        Span<byte> numBuffers = stackalloc byte[sizeof(ushort)];
        BinaryPrimitives.WriteUInt16LittleEndian(numBuffers, (ushort)used);
        GuestBufferList.Write(context.Memory, _rxChains[0].Writable, VirtioNet.HeaderNumBuffersOffset, numBuffers);
        PublishUsedChains(queue, used, length);
        status = PopStatus.Available;
        return DirectReceive.Done;
    }

    /// <summary>Pops the next posted receive chain into the held list; false when the guest has none posted.</summary>
    private bool TryHoldNextChain(SplitQueue queue, ref PopStatus status, ref long capacity)
    {
        while (true)
        {
            status = queue.TryPop(out DescriptorChain? chain);
            if (status != PopStatus.Available)
            {
                return false;
            }

            if (chain!.WritableLength == 0)
            {
                _log.Report(Name, GuestErrorKind.MalformedRequest, $"receive buffer at head {chain.Head} has no writable bytes");
                queue.AddUsed(chain.Head, 0);
                continue;
            }

            _rxChains.Add(chain);
            capacity += chain.WritableLength;
            return true;
        }
    }

    private long HeldCapacity()
    {
        long capacity = 0;
        foreach (DescriptorChain held in _rxChains)
        {
            capacity += held.WritableLength;
        }

        return capacity;
    }

    /// <summary>How many held chains, from the first, a frame of <paramref name="length"/> bytes fills.</summary>
    private int ChainsCovering(int length)
    {
        int used = 0;
        for (long covered = 0; covered < length; used++)
        {
            covered += _rxChains[used].WritableLength;
        }

        return used;
    }

    /// <summary>Returns the first <paramref name="used"/> held chains to the guest with the frame's bytes in them.</summary>
    private void PublishUsedChains(SplitQueue queue, int used, int length)
    {
        int offset = 0;
        for (int i = 0; i < used; i++)
        {
            DescriptorChain chain = _rxChains[i];
            int take = (int)Math.Min(chain.WritableLength, (uint)(length - offset));
            queue.AddUsed(chain.Head, (uint)take);
            offset += take;
        }

        _rxChains.RemoveRange(0, used);
    }

    private bool TryReadFrame()
    {
        while (true)
        {
            int length;
            try
            {
                length = _backend.ReceiveFrame(_rxFrame);
            }
            catch (IOException e)
            {
                _log.Report(Name, GuestErrorKind.BackendIoError, e.Message);
                return false;
            }

            if (length == 0)
            {
                return false;
            }

            if (length >= VirtioNet.HeaderSize)
            {
                _pendingLength = length;
                return true;
            }

            _log.Report(Name, GuestErrorKind.BackendIoError, $"dropped a {length}-byte frame without a virtio-net header from the backend");
        }
    }

    private bool TryPlacePendingFrame(VirtioDeviceContext context, SplitQueue queue, out PopStatus status)
    {
        status = PopStatus.Available;
        long capacity = HeldCapacity();
        while (capacity < _pendingLength && (_mergeable || _rxChains.Count == 0))
        {
            if (!TryHoldNextChain(queue, ref status, ref capacity))
            {
                return false; // wait for the guest to post buffers (its kick re-runs this)
            }
        }

        if (capacity < _pendingLength)
        {
            // Without mergeable buffers one buffer must hold the frame; the guest's is too small.
            _log.Report(Name, GuestErrorKind.MalformedRequest, $"dropped a {_pendingLength}-byte frame: the receive buffer holds {capacity}");
            _pendingLength = 0;
            return true;
        }

        int used = ChainsCovering(_pendingLength);
        BinaryPrimitives.WriteUInt16LittleEndian(_rxFrame.AsSpan(VirtioNet.HeaderNumBuffersOffset), (ushort)used);
        int offset = 0;
        for (int i = 0; i < used; i++)
        {
            DescriptorChain chain = _rxChains[i];
            int take = (int)Math.Min(chain.WritableLength, (uint)(_pendingLength - offset));
            GuestBufferList.Write(context.Memory, chain.Writable, 0, _rxFrame.AsSpan(offset, take));
            offset += take;
        }

        PublishUsedChains(queue, used, _pendingLength);
        _pendingLength = 0;
        return true;
    }

    private void Transmit()
    {
        VirtioDeviceContext? context = _context;
        SplitQueue? queue = context?.Queues[VirtioNet.TransmitQueue];
        if (context is null || queue is null)
        {
            return;
        }

        PopStatus status;
        while ((status = queue.TryPop(out DescriptorChain? chain)) == PopStatus.Available)
        {
            uint length = chain!.ReadableLength;
            if (length < VirtioNet.HeaderSize || length > VirtioNet.MaxFrameSize)
            {
                _log.Report(Name, GuestErrorKind.MalformedRequest, $"dropped a {length}-byte transmit chain (header {VirtioNet.HeaderSize}, at most {VirtioNet.MaxFrameSize} bytes)");
            }
            else
            {
                try
                {
                    SendChain(context, chain);
                }
                catch (IOException e)
                {
                    // The kernel refuses malformed GSO headers with EINVAL: one bad frame, not a dead NIC.
                    _log.Report(Name, GuestErrorKind.BackendIoError, $"transmit: {e.Message}");
                }
            }

            queue.AddUsed(chain.Head, 0);
        }

        context.FinishBatch(queue, status);
    }

    /// <summary>One chain's readable buffers to the backend as one frame, gathered from guest memory where the chain allows.</summary>
    private void SendChain(VirtioDeviceContext context, DescriptorChain chain)
    {
        IReadOnlyList<GuestBuffer> buffers = chain.Readable;
        if (buffers.Count > _txPieces.Length)
        {
            GuestBufferList.Read(context.Memory, buffers, 0, _txFrame.AsSpan(0, (int)chain.ReadableLength));
            _backend.SendFrame(_txFrame.AsSpan(0, (int)chain.ReadableLength));
            return;
        }

        for (int i = 0; i < buffers.Count; i++)
        {
            _txPieces[i] = context.Memory.GetIoVector(buffers[i].Address, buffers[i].Length);
        }

        _backend.SendFrame(_txPieces.AsSpan(0, buffers.Count));
    }

    private static ulong Bit(int feature) => VirtioFeatures.Bit(feature);
}
