using Parkway.Virtio.Memory;
using Parkway.Virtio.Queues;

namespace Parkway.Virtio.Devices;

/// <summary>
/// What an activated device works with: guest memory, its queues (null for a queue the driver did
/// not make ready), the negotiated features, and the transport's three callbacks. All callbacks
/// are lock-free and safe from the device's worker thread.
/// </summary>
public sealed class VirtioDeviceContext
{
    private readonly Action _usedBuffers;
    private readonly Action _configChanged;
    private readonly Action<string> _needsReset;

    /// <summary>Creates the context (the transport does this on DRIVER_OK).</summary>
    public VirtioDeviceContext(
        IGuestMemory memory,
        IReadOnlyList<SplitQueue?> queues,
        ulong negotiatedFeatures,
        Action usedBuffers,
        Action configChanged,
        Action<string> needsReset)
    {
        Memory = memory;
        Queues = queues;
        NegotiatedFeatures = negotiatedFeatures;
        _usedBuffers = usedBuffers;
        _configChanged = configChanged;
        _needsReset = needsReset;
    }

    /// <summary>Guest RAM.</summary>
    public IGuestMemory Memory { get; }

    /// <summary>The device's queues by index; null when not ready.</summary>
    public IReadOnlyList<SplitQueue?> Queues { get; }

    /// <summary>Features both sides agreed on.</summary>
    public ulong NegotiatedFeatures { get; }

    /// <summary>Raises the used-buffer interrupt (InterruptStatus bit 0).</summary>
    public void SignalUsedBuffers() => _usedBuffers();

    /// <summary>Bumps ConfigGeneration and raises the config-change interrupt (bit 1).</summary>
    public void SignalConfigChanged() => _configChanged();

    /// <summary>Sets DEVICE_NEEDS_RESET and raises the config-change interrupt; the device stops working.</summary>
    public void RequestReset(string reason) => _needsReset(reason);

    /// <summary>
    /// After a batch of used entries on <paramref name="queue"/>: interrupts the guest if it wants
    /// to be told, or requests a reset when the queue found its rings corrupt.
    /// </summary>
    public void FinishBatch(SplitQueue queue, PopStatus lastStatus)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (queue.ShouldInterrupt())
        {
            SignalUsedBuffers();
        }

        if (lastStatus == PopStatus.Broken)
        {
            RequestReset("a virtqueue's rings are corrupt");
        }
    }
}
