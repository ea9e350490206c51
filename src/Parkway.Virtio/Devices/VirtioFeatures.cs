namespace Parkway.Virtio.Devices;

/// <summary>Device-independent feature bits (linux/virtio_config.h, virtio_ring.h), as bit numbers.</summary>
public static class VirtioFeatures
{
    /// <summary>VIRTIO_RING_F_INDIRECT_DESC: descriptors may point to indirect tables.</summary>
    public const int RingIndirectDesc = 28;
    /// <summary>VIRTIO_RING_F_EVENT_IDX: used_event / avail_event suppression.</summary>
    public const int RingEventIdx = 29;
    /// <summary>VIRTIO_F_VERSION_1: the modern (1.x) interface; the only one Parkway speaks.</summary>
    public const int Version1 = 32;

    /// <summary>The mask of feature bit <paramref name="bit"/>.</summary>
    public static ulong Bit(int bit) => 1UL << bit;

    /// <summary>True when <paramref name="features"/> has bit <paramref name="bit"/>.</summary>
    public static bool Has(ulong features, int bit) => (features & Bit(bit)) != 0;
}
