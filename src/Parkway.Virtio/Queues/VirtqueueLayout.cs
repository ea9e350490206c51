namespace Parkway.Virtio.Queues;

/// <summary>
/// The split virtqueue's memory layout (virtio 1.2 §2.7; linux/virtio_ring.h). The driver owns the
/// descriptor table and the avail ring ("driver area"), the device owns the used ring ("device
/// area"). Every multi-byte field is little endian.
/// </summary>
public static class VirtqueueLayout
{
    /// <summary>The largest split queue: sizes are 16-bit and a power of two.</summary>
    public const int MaxQueueSize = 32768;

    /// <summary>Bytes per descriptor (struct vring_desc).</summary>
    public const int DescriptorSize = 16;
    /// <summary>Offset of addr in a descriptor.</summary>
    public const int DescriptorAddressOffset = 0;
    /// <summary>Offset of len in a descriptor.</summary>
    public const int DescriptorLengthOffset = 8;
    /// <summary>Offset of flags in a descriptor.</summary>
    public const int DescriptorFlagsOffset = 12;
    /// <summary>Offset of next in a descriptor.</summary>
    public const int DescriptorNextOffset = 14;

    /// <summary>VRING_DESC_F_NEXT: the chain continues at next.</summary>
    public const ushort DescriptorFlagNext = 1;
    /// <summary>VRING_DESC_F_WRITE: the buffer is device-writable.</summary>
    public const ushort DescriptorFlagWrite = 2;
    /// <summary>VRING_DESC_F_INDIRECT: the buffer is a table of descriptors.</summary>
    public const ushort DescriptorFlagIndirect = 4;

    /// <summary>VRING_AVAIL_F_NO_INTERRUPT: the driver does not want used-buffer interrupts (without event index).</summary>
    public const ushort AvailFlagNoInterrupt = 1;
    /// <summary>VRING_USED_F_NO_NOTIFY: the device does not want notifications (without event index).</summary>
    public const ushort UsedFlagNoNotify = 1;

    /// <summary>Alignment of the descriptor table (VRING_DESC_ALIGN_SIZE).</summary>
    public const int DescriptorTableAlignment = 16;
    /// <summary>Alignment of the avail ring (VRING_AVAIL_ALIGN_SIZE).</summary>
    public const int AvailRingAlignment = 2;
    /// <summary>Alignment of the used ring (VRING_USED_ALIGN_SIZE).</summary>
    public const int UsedRingAlignment = 4;

    /// <summary>Offset of idx in both rings (after the 16-bit flags).</summary>
    public const int RingIndexOffset = 2;
    /// <summary>Offset of ring[0] in both rings.</summary>
    public const int RingEntriesOffset = 4;
    /// <summary>Bytes per avail ring entry (a 16-bit head index).</summary>
    public const int AvailEntrySize = 2;
    /// <summary>Bytes per used ring entry (struct vring_used_elem: u32 id, u32 len).</summary>
    public const int UsedEntrySize = 8;

    /// <summary>Bytes of the descriptor table of a queue of <paramref name="size"/> entries.</summary>
    public static ulong DescriptorTableBytes(int size) => (ulong)size * DescriptorSize;

    /// <summary>Bytes of the avail ring, including used_event.</summary>
    public static ulong AvailRingBytes(int size) => RingEntriesOffset + ((ulong)size * AvailEntrySize) + 2;

    /// <summary>Bytes of the used ring, including avail_event.</summary>
    public static ulong UsedRingBytes(int size) => RingEntriesOffset + ((ulong)size * UsedEntrySize) + 2;

    /// <summary>Offset of used_event (after the avail ring's entries).</summary>
    public static ulong UsedEventOffset(int size) => RingEntriesOffset + ((ulong)size * AvailEntrySize);

    /// <summary>Offset of avail_event (after the used ring's entries).</summary>
    public static ulong AvailEventOffset(int size) => RingEntriesOffset + ((ulong)size * UsedEntrySize);
}
