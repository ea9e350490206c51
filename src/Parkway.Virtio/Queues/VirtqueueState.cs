namespace Parkway.Virtio.Queues;

/// <summary>
/// Everything that defines one virtqueue: what the driver configured through the transport and
/// where the device is in the rings. Plain data, so a transport can be saved and rebuilt from it.
/// </summary>
/// <param name="Size">Queue size the driver chose (QueueNum).</param>
/// <param name="Ready">QueueReady.</param>
/// <param name="DescriptorTable">Guest address of the descriptor table.</param>
/// <param name="DriverArea">Guest address of the avail ring.</param>
/// <param name="DeviceArea">Guest address of the used ring.</param>
/// <param name="NextAvail">Next avail ring index the device will consume.</param>
/// <param name="NextUsed">Next used ring index the device will fill.</param>
public sealed record VirtqueueState(
    ushort Size,
    bool Ready,
    ulong DescriptorTable,
    ulong DriverArea,
    ulong DeviceArea,
    ushort NextAvail,
    ushort NextUsed)
{
    /// <summary>A queue as it is after reset: nothing configured.</summary>
    public static VirtqueueState Reset(ushort maxSize) => new(maxSize, false, 0, 0, 0, 0, 0);
}
