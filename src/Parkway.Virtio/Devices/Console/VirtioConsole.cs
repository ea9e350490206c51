namespace Parkway.Virtio.Devices.Console;

/// <summary>virtio-console constants (linux/virtio_console.h).</summary>
public static class VirtioConsole
{
    /// <summary>VIRTIO_CONSOLE_F_SIZE: cols/rows are valid.</summary>
    public const int FeatureSize = 0;
    /// <summary>VIRTIO_CONSOLE_F_MULTIPORT: not offered (one port, hvc0).</summary>
    public const int FeatureMultiport = 1;
    /// <summary>VIRTIO_CONSOLE_F_EMERG_WRITE.</summary>
    public const int FeatureEmergencyWrite = 2;

    /// <summary>Queue of port 0 carrying host → guest bytes.</summary>
    public const int ReceiveQueue = 0;
    /// <summary>Queue of port 0 carrying guest → host bytes.</summary>
    public const int TransmitQueue = 1;

    /// <summary>Offsets in struct virtio_console_config.</summary>
    public const int ConfigColumns = 0, ConfigRows = 2, ConfigMaxPorts = 4, ConfigEmergencyWrite = 8;

    /// <summary>sizeof(struct virtio_console_config).</summary>
    public const int ConfigSize = 12;
}
