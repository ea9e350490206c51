using Parkway.Virtio.Events;

namespace Parkway.Virtio.Devices;

/// <summary>
/// A virtio device behind a transport. The transport owns feature negotiation, the status state
/// machine, queue configuration and the device's worker thread; the device owns its
/// configuration space and request logic. Queue and device handlers run only on the worker.
/// </summary>
public interface IVirtioDevice
{
    /// <summary>Short name for logs and the worker thread, e.g. "virtio-blk0".</summary>
    string Name { get; }

    /// <summary>The DeviceID register value.</summary>
    VirtioDeviceType DeviceType { get; }

    /// <summary>Device-specific feature bits offered (the transport adds VERSION_1 and the ring features).</summary>
    ulong DeviceFeatures { get; }

    /// <summary>Number of virtqueues.</summary>
    int QueueCount { get; }

    /// <summary>QueueNumMax for every queue.</summary>
    ushort MaxQueueSize { get; }

    /// <summary>Reads device configuration space (offset relative to 0x100); out-of-range bytes read 0.</summary>
    void ReadConfig(uint offset, Span<byte> data);

    /// <summary>Writes device configuration space; returns false when the write is refused.</summary>
    bool WriteConfig(uint offset, ReadOnlySpan<byte> data);

    /// <summary>Called on DRIVER_OK, before the worker starts.</summary>
    void Activate(VirtioDeviceContext context);

    /// <summary>Processes queue <paramref name="queueIndex"/> (on the worker thread, after a notification).</summary>
    void ProcessQueue(int queueIndex);

    /// <summary>The device's own eventfds (e.g. "host input arrived") with handlers; run on the worker.</summary>
    IReadOnlyList<WorkSource> DeviceSources { get; }

    /// <summary>
    /// Descriptors the device adds and removes while it runs (vsock's sockets), polled by the same
    /// worker; null (the default) for devices with a fixed set.
    /// </summary>
    DynamicWorkSources? DynamicSources => null;

    /// <summary>
    /// The worker has stopped for a pause (a snapshot or a stopped machine): anything the device
    /// holds between requests (a buffer taken from a queue and kept for later) goes back to its
    /// ring, so the queues' indices alone describe where the device is. Default: nothing is held.
    /// </summary>
    void Quiesce()
    {
    }

    /// <summary>Drops all activation state (the worker has stopped).</summary>
    void Reset();

    /// <summary>The device's own state record.</summary>
    VirtioDeviceState SaveState();
}
