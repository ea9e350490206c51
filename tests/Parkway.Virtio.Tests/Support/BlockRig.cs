using System.Buffers.Binary;
using Parkway.Virtio.Devices.Block;
using Parkway.Virtio.Queues;
using Parkway.Virtio.Transport;
using static Parkway.Virtio.Queues.VirtqueueLayout;

namespace Parkway.Virtio.Tests.Support;

/// <summary>A virtio-blk device on a real temp image behind a probed transport; requests are built as Linux's driver builds them.</summary>
internal sealed class BlockRig : IDisposable
{
    private readonly TempDirectory _directory = new();
    private ushort _nextDescriptor;

    public BlockRig(byte[] image, bool readOnly = false, string? serial = null, Func<IBlockBackend, IBlockBackend>? wrap = null)
    {
        ImagePath = _directory.File("disk.img");
        File.WriteAllBytes(ImagePath, image);
        Options = new BlockDiskOptions(ImagePath, readOnly, "disk0", serial);
        RawFileBackend raw = RawFileBackend.Open(ImagePath, readOnly);
        Backend = wrap is null ? raw : wrap(raw);
        Device = new VirtioBlockDevice("virtio-blk0", Options, Backend, Log.Log);
        Queue = new QueueFixture(size: 64);
        Transport = new VirtioMmioTransport(Device, Queue.Memory, Interrupt, Log.Log, startWorker: false);
        Driver = new MmioDriver(Transport);
        Driver.Probe(Queue);
    }

    public string ImagePath { get; }

    public BlockDiskOptions Options { get; }

    public IBlockBackend Backend { get; }

    public VirtioBlockDevice Device { get; }

    public QueueFixture Queue { get; }

    public TestLog Log { get; } = new();

    public CountingSignal Interrupt { get; } = new();

    public VirtioMmioTransport Transport { get; }

    public MmioDriver Driver { get; }

    public byte[] Config(int length)
    {
        var config = new byte[length];
        Transport.Read(VirtioMmioRegisters.Config, config.AsSpan(0, Math.Min(8, length)));
        for (int offset = 8; offset < length; offset += 4)
        {
            Transport.Read(VirtioMmioRegisters.Config + (uint)offset, config.AsSpan(offset, Math.Min(4, length - offset)));
        }

        return config;
    }

    /// <summary>
    /// Posts header (+ optional out payload) / data-in buffers / status byte as separate descriptors,
    /// runs the device, and returns the status byte, the used length and the data read in.
    /// </summary>
    public (byte Status, uint UsedLength, byte[] DataIn) Submit(uint type, ulong sector, byte[]? payloadOut = null, int dataIn = 0, int dataInPieces = 1)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(header, type);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), sector);
        var parts = new List<(ulong Address, uint Length, bool Write)> { (Queue.Put(header), 16, false) };
        if (payloadOut is { Length: > 0 })
        {
            parts.Add((Queue.Put(payloadOut), (uint)payloadOut.Length, false));
        }

        var inPieces = new List<(ulong Address, int Length)>();
        for (int i = 0; i < dataInPieces && dataIn > 0; i++)
        {
            int length = (dataIn / dataInPieces) + (i == dataInPieces - 1 ? dataIn % dataInPieces : 0);
            ulong address = Queue.Allocate(length);
            inPieces.Add((address, length));
            parts.Add((address, (uint)length, true));
        }

        ulong status = Queue.Put([0xEE]);
        parts.Add((status, 1, true));
        ushort head = PostChain(parts);
        uint used = Run(head);
        byte[] data = [.. inPieces.SelectMany(piece => Queue.Memory.GetSpanCopy(piece.Address, piece.Length))];
        return (Queue.Memory.GetSpanCopy(status, 1)[0], used, data);
    }

    /// <summary>Posts a chain made of <paramref name="parts"/> and returns its head.</summary>
    public ushort PostChain(IReadOnlyList<(ulong Address, uint Length, bool Write)> parts)
    {
        ushort head = _nextDescriptor;
        for (int i = 0; i < parts.Count; i++)
        {
            ushort index = (ushort)((_nextDescriptor + i) % Queue.Size);
            ushort flags = (ushort)((parts[i].Write ? DescriptorFlagWrite : 0) | (i < parts.Count - 1 ? DescriptorFlagNext : 0));
            Queue.SetDescriptor(index, parts[i].Address, parts[i].Length, flags, (ushort)((index + 1) % Queue.Size));
        }

        _nextDescriptor = (ushort)((_nextDescriptor + parts.Count) % Queue.Size);
        Queue.Publish(head);
        return head;
    }

    /// <summary>Runs the device's queue (as its worker would after a kick) and returns the head's used length.</summary>
    public uint Run(ushort head)
    {
        ushort before = Queue.UsedIndex;
        Device.ProcessQueue(0);
        if (Queue.UsedIndex != (ushort)(before + 1))
        {
            throw new InvalidOperationException($"expected one used entry, the used index moved {Queue.UsedIndex - before}");
        }

        (uint id, uint length) = Queue.Used(before);
        return id == head ? length : throw new InvalidOperationException($"used id {id}, expected {head}");
    }

    public void Dispose()
    {
        Transport.Dispose();
        Backend.Dispose();
        _directory.Dispose();
    }
}

internal static class MemoryTestExtensions
{
    public static byte[] GetSpanCopy(this Parkway.Virtio.Memory.IGuestMemory memory, ulong address, int length)
    {
        var copy = new byte[length];
        Parkway.Virtio.Memory.GuestMemoryExtensions.Read(memory, address, copy);
        return copy;
    }
}
