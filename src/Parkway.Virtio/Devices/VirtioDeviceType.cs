namespace Parkway.Virtio.Devices;

/// <summary>Virtio device ids (linux/virtio_ids.h), what the transport's DeviceID register reads.</summary>
public enum VirtioDeviceType : uint
{
    /// <summary>VIRTIO_ID_NET.</summary>
    Net = 1,
    /// <summary>VIRTIO_ID_BLOCK.</summary>
    Block = 2,
    /// <summary>VIRTIO_ID_CONSOLE.</summary>
    Console = 3,
    /// <summary>VIRTIO_ID_RNG.</summary>
    Rng = 4,
    /// <summary>VIRTIO_ID_VSOCK.</summary>
    Vsock = 19,
}
