namespace Parkway.Virtio.Devices.Net;

/// <summary>virtio-net constants (linux/virtio_net.h).</summary>
public static class VirtioNet
{
    /// <summary>sizeof(struct virtio_net_hdr_v1): with VERSION_1 every frame carries it (num_buffers included).</summary>
    public const int HeaderSize = 12;
    /// <summary>Offset of num_buffers in the header.</summary>
    public const int HeaderNumBuffersOffset = 10;

    /// <summary>Largest frame including the header: 64 KiB GSO payload, Ethernet + VLAN headers, the virtio header.</summary>
    public const int MaxFrameSize = 65535 + 18 + HeaderSize;

    /// <summary>Receive queue of the single queue pair.</summary>
    public const int ReceiveQueue = 0;
    /// <summary>Transmit queue of the single queue pair.</summary>
    public const int TransmitQueue = 1;

    /// <summary>Feature bits.</summary>
    public const int FeatureCsum = 0, FeatureGuestCsum = 1, FeatureMac = 5, FeatureGuestTso4 = 7, FeatureGuestTso6 = 8,
        FeatureGuestEcn = 9, FeatureHostTso4 = 11, FeatureHostTso6 = 12, FeatureHostEcn = 13, FeatureMergeableRxBuffers = 15, FeatureStatus = 16;

    /// <summary>VIRTIO_NET_S_LINK_UP.</summary>
    public const ushort StatusLinkUp = 1;

    /// <summary>Offsets in struct virtio_net_config.</summary>
    public const int ConfigMac = 0, ConfigStatus = 6, ConfigMaxQueuePairs = 8;

    /// <summary>Bytes of config space served (mac, status, max_virtqueue_pairs).</summary>
    public const int ConfigSize = 10;
}
