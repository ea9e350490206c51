using Parkway.Virtio.Memory;
using Parkway.Virtio.Queues;

namespace Parkway.Virtio.Tests.Support;

/// <summary>
/// Plays the driver: lays a split virtqueue out in byte-array guest memory (descriptor table,
/// avail ring, used ring, then a data area), writes descriptors, publishes heads and reads back
/// the used ring, exactly as the virtio spec lays the rings out (little endian).
/// </summary>
internal sealed class QueueFixture
{
    public const ulong RamBase = 0x4000_0000;
    public const int RamSize = 4 << 20;

    /// <summary>Each fixture owns one 1 MiB region: rings in the first 64 KiB, data after.</summary>
    private const ulong RegionSize = 1 << 20;

    private ushort _availIdx;
    private ulong _nextData;
    private readonly ulong _regionEnd;

    public QueueFixture(ushort size = 16, ushort startIndex = 0, ByteArrayGuestMemory? memory = null, int region = 0)
    {
        Size = size;
        Memory = memory ?? new ByteArrayGuestMemory(RamBase, RamSize);
        ulong regionBase = RamBase + ((ulong)region * RegionSize);
        _regionEnd = regionBase + RegionSize;
        DescriptorTable = regionBase + 0x1000;
        DriverArea = DescriptorTable + (16UL * size);
        DeviceArea = Align(DriverArea + VirtqueueLayout.AvailRingBytes(size), 4096);
        _nextData = regionBase + 0x1_0000;
        _availIdx = startIndex;
        Memory.WriteUInt16(DriverArea + 2, startIndex);
        Memory.WriteUInt16(DeviceArea + 2, startIndex);
        StartIndex = startIndex;
    }

    public ByteArrayGuestMemory Memory { get; }

    public ushort Size { get; }

    public ushort StartIndex { get; }

    public ulong DescriptorTable { get; }

    public ulong DriverArea { get; }

    public ulong DeviceArea { get; }

    public ushort AvailIndex => _availIdx;

    public ushort UsedIndex => Memory.ReadUInt16(DeviceArea + 2);

    public VirtqueueState State(bool ready = true) => new(Size, ready, DescriptorTable, DriverArea, DeviceArea, StartIndex, StartIndex);

    public SplitQueue CreateQueue(TestLog log, bool eventIndex = false, bool indirect = true, bool readableFirst = true, int maxDescriptors = VirtqueueLayout.MaxQueueSize) =>
        new(Memory, State(), eventIndex, new ChainWalkOptions(indirect, readableFirst, maxDescriptors), log.Log, "test queue");

    /// <summary>Reserves <paramref name="length"/> bytes of the data area (16-byte aligned) and returns the address.</summary>
    public ulong Allocate(int length)
    {
        ulong address = _nextData;
        _nextData = Align(_nextData + (ulong)Math.Max(length, 1), 16);
        if (_nextData > _regionEnd)
        {
            throw new InvalidOperationException("fixture data area exhausted");
        }

        return address;
    }

    /// <summary>Allocates a buffer holding <paramref name="bytes"/>.</summary>
    public ulong Put(ReadOnlySpan<byte> bytes)
    {
        ulong address = Allocate(bytes.Length);
        Memory.Write(address, bytes);
        return address;
    }

    public void SetDescriptor(ushort index, ulong address, uint length, ushort flags, ushort next = 0) =>
        WriteDescriptor(DescriptorTable, index, address, length, flags, next);

    public static void WriteDescriptor(IGuestMemory memory, ulong table, int index, ulong address, uint length, ushort flags, ushort next)
    {
        ulong entry = table + ((ulong)index * 16);
        memory.WriteUInt64(entry, address);
        memory.WriteUInt32(entry + 8, length);
        memory.WriteUInt16(entry + 12, flags);
        memory.WriteUInt16(entry + 14, next);
    }

    public void WriteDescriptor(ulong table, int index, ulong address, uint length, ushort flags, ushort next = 0) =>
        WriteDescriptor(Memory, table, index, address, length, flags, next);

    /// <summary>Puts <paramref name="head"/> in the avail ring and bumps idx.</summary>
    public void Publish(ushort head)
    {
        Memory.WriteUInt16(DriverArea + 4 + ((ulong)(_availIdx % Size) * 2), head);
        _availIdx++;
        Memory.WriteUInt16(DriverArea + 2, _availIdx);
    }

    /// <summary>Sets the avail idx directly (for hostile jumps).</summary>
    public void SetAvailIndex(ushort value)
    {
        _availIdx = value;
        Memory.WriteUInt16(DriverArea + 2, value);
    }

    public (uint Id, uint Length) Used(int ringPosition)
    {
        ulong element = DeviceArea + 4 + ((ulong)(ringPosition % Size) * 8);
        return (Memory.ReadUInt32(element), Memory.ReadUInt32(element + 4));
    }

    public void SetUsedEvent(ushort value) => Memory.WriteUInt16(DriverArea + VirtqueueLayout.UsedEventOffset(Size), value);

    public ushort AvailEvent => Memory.ReadUInt16(DeviceArea + VirtqueueLayout.AvailEventOffset(Size));

    public void SetAvailFlags(ushort flags) => Memory.WriteUInt16(DriverArea, flags);

    private static ulong Align(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);
}
