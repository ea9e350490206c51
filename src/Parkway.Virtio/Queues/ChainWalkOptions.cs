namespace Parkway.Virtio.Queues;

/// <summary>What a queue accepts in a chain beyond the always-enforced rules.</summary>
/// <param name="IndirectAllowed">VIRTIO_RING_F_INDIRECT_DESC was negotiated.</param>
/// <param name="RequireReadableBeforeWritable">Refuse a device-readable buffer after a writable one (virtio 1.2 §2.7.4.2 makes it a driver MUST; devices that locate their header and status by position rely on it).</param>
/// <param name="MaxDescriptors">Most descriptors (direct plus indirect) one chain may have.</param>
public readonly record struct ChainWalkOptions(bool IndirectAllowed, bool RequireReadableBeforeWritable = true, int MaxDescriptors = VirtqueueLayout.MaxQueueSize);
