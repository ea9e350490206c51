namespace Parkway.Virtio.Transport;

/// <summary>Device status bits (VIRTIO_CONFIG_S_*, linux/virtio_config.h).</summary>
[Flags]
public enum DeviceStatus : uint
{
    /// <summary>Reset / not yet seen by a driver.</summary>
    None = 0,
    /// <summary>VIRTIO_CONFIG_S_ACKNOWLEDGE: the guest noticed the device.</summary>
    Acknowledge = 1,
    /// <summary>VIRTIO_CONFIG_S_DRIVER: the guest has a driver for it.</summary>
    Driver = 2,
    /// <summary>VIRTIO_CONFIG_S_DRIVER_OK: the driver is ready; the device goes live.</summary>
    DriverOk = 4,
    /// <summary>VIRTIO_CONFIG_S_FEATURES_OK: feature negotiation is complete.</summary>
    FeaturesOk = 8,
    /// <summary>VIRTIO_CONFIG_S_NEEDS_RESET: the device hit an error it cannot recover from.</summary>
    NeedsReset = 0x40,
    /// <summary>VIRTIO_CONFIG_S_FAILED: the driver gave up.</summary>
    Failed = 0x80,
}
