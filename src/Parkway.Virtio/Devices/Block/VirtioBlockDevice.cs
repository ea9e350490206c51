using System.Buffers.Binary;
using System.Text;
using Parkway.Interop;
using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Events;
using Parkway.Virtio.Memory;
using Parkway.Virtio.Queues;

namespace Parkway.Virtio.Devices.Block;

/// <summary>
/// virtio-blk (virtio 1.2 §5.2) over an <see cref="IBlockBackend"/>, one request queue. Requests
/// are served in order on the device's worker thread, straight between the backend and guest
/// memory (no bounce buffer). Every request ends with a status byte in the chain's last writable
/// byte: OK, IOERR (bad sector range, read-only disk, host I/O error) or UNSUPP (unknown type).
/// A request whose chain has no writable byte cannot carry a status; it is returned with length 0.
/// </summary>
public sealed class VirtioBlockDevice : IVirtioDevice
{
    /// <summary>Queue size offered to the driver.</summary>
    public const ushort QueueSize = 256;

    /// <summary>Most sectors one discard or write-zeroes segment may cover (2 GiB).</summary>
    public const uint MaxDiscardSectors = 1 << 22;

    private readonly IBlockBackend _backend;
    private readonly IoVector[] _vectors = new IoVector[Libc.IOV_MAX];
    private readonly BlockDiskOptions _options;
    private readonly GuestErrorLog _log;
    private readonly byte[] _config = new byte[VirtioBlock.ConfigSize];
    private readonly byte[] _id = new byte[VirtioBlock.IdBytes];
    private VirtioDeviceContext? _context;

    /// <summary>Creates the device; <paramref name="backend"/> is owned by the caller.</summary>
    public VirtioBlockDevice(string name, BlockDiskOptions options, IBlockBackend backend, GuestErrorLog log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(log);
        Name = name;
        _options = options;
        _backend = backend;
        _log = log;
        CapacitySectors = (ulong)backend.Length / VirtioBlock.SectorSize;
        // GET_ID: the serial, zero-padded (the parser already refused serials over 20 bytes).
        byte[] serial = Encoding.UTF8.GetBytes(options.Serial ?? string.Empty);
        serial.AsSpan(0, Math.Min(serial.Length, VirtioBlock.IdBytes)).CopyTo(_id);

        ulong features = VirtioFeatures.Bit(VirtioBlock.FeatureFlush) | VirtioFeatures.Bit(VirtioBlock.FeatureSegMax) | VirtioFeatures.Bit(VirtioBlock.FeatureBlockSize);
        if (options.ReadOnly)
        {
            features |= VirtioFeatures.Bit(VirtioBlock.FeatureReadOnly);
        }
        else if (backend.SupportsDiscard)
        {
            features |= VirtioFeatures.Bit(VirtioBlock.FeatureDiscard) | VirtioFeatures.Bit(VirtioBlock.FeatureWriteZeroes);
        }

        DeviceFeatures = features;
        BuildConfig();
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public VirtioDeviceType DeviceType => VirtioDeviceType.Block;

    /// <inheritdoc />
    public ulong DeviceFeatures { get; }

    /// <inheritdoc />
    public int QueueCount => 1;

    /// <inheritdoc />
    public ushort MaxQueueSize => QueueSize;

    /// <inheritdoc />
    public IReadOnlyList<WorkSource> DeviceSources => [];

    /// <summary>Disk size in 512-byte sectors.</summary>
    public ulong CapacitySectors { get; }

    private bool Offers(int feature) => VirtioFeatures.Has(DeviceFeatures, feature);

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
    public bool WriteConfig(uint offset, ReadOnlySpan<byte> data) => false; // no writable fields (no CONFIG_WCE)

    /// <inheritdoc />
    public void Activate(VirtioDeviceContext context) => _context = context;

    /// <inheritdoc />
    public void Reset() => _context = null;

    /// <inheritdoc />
    public VirtioDeviceState SaveState() => new BlockDeviceState(_options.Path, _options.ReadOnly, _options.Serial, CapacitySectors);

    /// <inheritdoc />
    public void ProcessQueue(int queueIndex)
    {
        VirtioDeviceContext? context = _context;
        SplitQueue? queue = context is not null && queueIndex == 0 ? context.Queues[0] : null;
        if (context is null || queue is null)
        {
            return;
        }

        PopStatus status;
        while ((status = queue.TryPop(out DescriptorChain? chain)) == PopStatus.Available)
        {
            queue.AddUsed(chain!.Head, Serve(context.Memory, chain));
        }

        context.FinishBatch(queue, status);
    }

    /// <summary>Serves one request; returns the number of bytes written into the chain.</summary>
    internal uint Serve(IGuestMemory memory, DescriptorChain chain)
    {
        if (chain.WritableLength == 0)
        {
            Report(GuestErrorKind.MalformedRequest, $"request at head {chain.Head} has no writable status byte");
            return 0;
        }

        byte status;
        uint written = 0;
        try
        {
            status = Execute(memory, chain, out written);
        }
        catch (IOException e)
        {
            Report(GuestErrorKind.BackendIoError, $"{_options.Path}: {e.Message}");
            status = VirtioBlock.StatusIoError;
            written = 0;
        }
        catch (GuestMemoryFaultException e)
        {
            Report(GuestErrorKind.DescriptorOutOfRange, e.Message);
            status = VirtioBlock.StatusIoError;
            written = 0;
        }

        GuestBufferList.Write(memory, chain.Writable, chain.WritableLength - 1, [status]);
        return written + 1;
    }

    private byte Execute(IGuestMemory memory, DescriptorChain chain, out uint written)
    {
        written = 0;
        Span<byte> header = stackalloc byte[VirtioBlock.RequestHeaderSize];
        if (GuestBufferList.Read(memory, chain.Readable, 0, header) < header.Length)
        {
            Report(GuestErrorKind.MalformedRequest, $"request at head {chain.Head} has {chain.ReadableLength} readable bytes, less than the 16-byte header");
            return VirtioBlock.StatusIoError;
        }

        uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
        ulong sector = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        uint dataIn = chain.WritableLength - 1;
        uint dataOut = chain.ReadableLength - VirtioBlock.RequestHeaderSize;
        switch (type)
        {
            case VirtioBlock.RequestIn:
                if (!CheckRange("read", sector, dataIn))
                {
                    return VirtioBlock.StatusIoError;
                }

                Transfer(memory, GuestBufferList.Slice(chain.Writable, 0, dataIn), sector, toGuest: true);
                written = dataIn;
                return VirtioBlock.StatusOk;

            case VirtioBlock.RequestOut:
                if (_options.ReadOnly)
                {
                    Report(GuestErrorKind.MalformedRequest, $"write to read-only disk {_options.Path} refused");
                    return VirtioBlock.StatusIoError;
                }

                if (!CheckRange("write", sector, dataOut))
                {
                    return VirtioBlock.StatusIoError;
                }

                Transfer(memory, GuestBufferList.Slice(chain.Readable, VirtioBlock.RequestHeaderSize, dataOut), sector, toGuest: false);
                return VirtioBlock.StatusOk;

            case VirtioBlock.RequestFlush:
                if (!_options.ReadOnly)
                {
                    _backend.Flush();
                }

                return VirtioBlock.StatusOk;

            case VirtioBlock.RequestGetId:
                written = (uint)GuestBufferList.Write(memory, chain.Writable, 0, _id.AsSpan(0, (int)Math.Min(dataIn, (uint)VirtioBlock.IdBytes)));
                return VirtioBlock.StatusOk;

            case VirtioBlock.RequestDiscard when Offers(VirtioBlock.FeatureDiscard):
            case VirtioBlock.RequestWriteZeroes when Offers(VirtioBlock.FeatureWriteZeroes):
                return DiscardOrZero(memory, chain, type == VirtioBlock.RequestDiscard, dataOut);

            default:
                Report(GuestErrorKind.MalformedRequest, $"unsupported request type {type}");
                return VirtioBlock.StatusUnsupported;
        }
    }

    private byte DiscardOrZero(IGuestMemory memory, DescriptorChain chain, bool discard, uint payload)
    {
        // max_discard_seg = max_write_zeroes_seg = 1: exactly one segment.
        if (payload != VirtioBlock.DiscardSegmentSize)
        {
            Report(GuestErrorKind.MalformedRequest, $"{(discard ? "discard" : "write-zeroes")} payload of {payload} bytes, expected one 16-byte segment");
            return VirtioBlock.StatusUnsupported;
        }

        Span<byte> segment = stackalloc byte[VirtioBlock.DiscardSegmentSize];
        GuestBufferList.Read(memory, chain.Readable, VirtioBlock.RequestHeaderSize, segment);
        ulong sector = BinaryPrimitives.ReadUInt64LittleEndian(segment);
        uint sectors = BinaryPrimitives.ReadUInt32LittleEndian(segment[8..]);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(segment[12..]);
        if ((discard && flags != 0) || (flags & ~VirtioBlock.WriteZeroesFlagUnmap) != 0)
        {
            Report(GuestErrorKind.MalformedRequest, $"segment flags 0x{flags:x} are reserved");
            return VirtioBlock.StatusUnsupported;
        }

        if (sectors > MaxDiscardSectors || !CheckRange(discard ? "discard" : "write-zeroes", sector, (ulong)sectors * VirtioBlock.SectorSize))
        {
            return VirtioBlock.StatusIoError;
        }

        long offset = (long)sector * VirtioBlock.SectorSize, length = (long)sectors * VirtioBlock.SectorSize;
        if (discard)
        {
            _backend.Discard(offset, length);
        }
        else
        {
            _backend.WriteZeroes(offset, length, (flags & VirtioBlock.WriteZeroesFlagUnmap) != 0);
        }

        return VirtioBlock.StatusOk;
    }

    private void Transfer(IGuestMemory memory, List<GuestBuffer> pieces, ulong sector, bool toGuest)
    {
        long offset = (long)sector * VirtioBlock.SectorSize;
        if (pieces.Count <= _vectors.Length)
        {
            // One preadv/pwritev straight between the image and the guest's buffers.
            for (int i = 0; i < pieces.Count; i++)
            {
                _vectors[i] = memory.GetIoVector(pieces[i].Address, pieces[i].Length);
            }

            if (toGuest)
            {
                _backend.ReadVector(offset, _vectors.AsSpan(0, pieces.Count));
            }
            else
            {
                _backend.WriteVector(offset, _vectors.AsSpan(0, pieces.Count));
            }

            return;
        }

        // More pieces than one call takes (only a driver ignoring seg_max): one call per piece.
        foreach (GuestBuffer piece in pieces)
        {
            Span<byte> guest = memory.GetSpan(piece.Address, piece.Length);
            if (toGuest)
            {
                _backend.Read(offset, guest);
            }
            else
            {
                _backend.Write(offset, guest);
            }

            offset += piece.Length;
        }
    }

    private bool CheckRange(string what, ulong sector, ulong bytes)
    {
        if (bytes % VirtioBlock.SectorSize != 0)
        {
            Report(GuestErrorKind.MalformedRequest, $"{what} of {bytes} bytes is not a whole number of sectors");
            return false;
        }

        ulong sectors = bytes / VirtioBlock.SectorSize;
        if (sector > CapacitySectors || sectors > CapacitySectors - sector)
        {
            Report(GuestErrorKind.OutOfBounds, $"{what} of {sectors} sectors at sector {sector} ends beyond the {CapacitySectors}-sector disk");
            return false;
        }

        return true;
    }

    private void BuildConfig()
    {
        Span<byte> config = _config;
        BinaryPrimitives.WriteUInt64LittleEndian(config[VirtioBlock.ConfigCapacity..], CapacitySectors);
        // Two descriptors of every request are the header and the status byte.
        BinaryPrimitives.WriteUInt32LittleEndian(config[VirtioBlock.ConfigSegMax..], QueueSize - 2);
        BinaryPrimitives.WriteUInt32LittleEndian(config[VirtioBlock.ConfigBlockSize..], VirtioBlock.SectorSize);
        if (Offers(VirtioBlock.FeatureDiscard))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(config[VirtioBlock.ConfigMaxDiscardSectors..], MaxDiscardSectors);
            BinaryPrimitives.WriteUInt32LittleEndian(config[VirtioBlock.ConfigMaxDiscardSeg..], 1);
            BinaryPrimitives.WriteUInt32LittleEndian(config[VirtioBlock.ConfigDiscardSectorAlignment..], 1);
            BinaryPrimitives.WriteUInt32LittleEndian(config[VirtioBlock.ConfigMaxWriteZeroesSectors..], MaxDiscardSectors);
            BinaryPrimitives.WriteUInt32LittleEndian(config[VirtioBlock.ConfigMaxWriteZeroesSeg..], 1);
            config[VirtioBlock.ConfigWriteZeroesMayUnmap] = 1;
        }
    }

    private void Report(GuestErrorKind kind, string detail) => _log.Report(Name, kind, detail);
}
