namespace Parkway.Virtio.Devices;

/// <summary>
/// Base of each device's own state record (what is not in the transport's record: the device's
/// configuration-space values and backend identity). Plain data, for snapshot/restore.
/// </summary>
public abstract record VirtioDeviceState;
