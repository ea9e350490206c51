namespace Parkway.Virtio.Diagnostics;

/// <summary>
/// Each distinct kind of bad input a guest can give a virtio device. The rate-limited log keys on
/// (device, kind), so a guest repeating one mistake produces one line per interval, while a
/// different mistake is still reported at once.
/// </summary>
public enum GuestErrorKind
{
    /// <summary>A descriptor chain revisits a descriptor (or is longer than the table allows).</summary>
    DescriptorLoop,
    /// <summary>A descriptor's buffer (or an indirect table) lies outside guest RAM.</summary>
    DescriptorOutOfRange,
    /// <summary>A descriptor's next index (or an avail ring head) is not below the table size.</summary>
    DescriptorIndexOutOfRange,
    /// <summary>The chain has more descriptors than the queue (or indirect table) has entries.</summary>
    ChainTooLong,
    /// <summary>The chain's total length does not fit in 32 bits.</summary>
    ChainLengthOverflow,
    /// <summary>An indirect descriptor inside an indirect table.</summary>
    NestedIndirect,
    /// <summary>An indirect descriptor that also has the NEXT flag.</summary>
    IndirectWithNext,
    /// <summary>An indirect table whose length is zero or not a multiple of 16.</summary>
    BadIndirectLength,
    /// <summary>An indirect descriptor although VIRTIO_RING_F_INDIRECT_DESC was not negotiated.</summary>
    IndirectNotNegotiated,
    /// <summary>A device-readable buffer after a device-writable one.</summary>
    ReadableAfterWritable,
    /// <summary>The avail index moved by more than the queue size.</summary>
    AvailIndexJump,
    /// <summary>Queue size, ready or addresses the device cannot accept.</summary>
    BadQueueConfiguration,
    /// <summary>A register access of a size or offset the transport refuses.</summary>
    BadRegisterAccess,
    /// <summary>A write the device status state machine refuses.</summary>
    BadStatusTransition,
    /// <summary>Features that were not offered, or a feature write at the wrong time.</summary>
    BadFeatures,
    /// <summary>A request a device does not understand or cannot serve (wrong sizes, unknown type).</summary>
    MalformedRequest,
    /// <summary>A request beyond the end of the device (e.g. sectors past the disk's capacity).</summary>
    OutOfBounds,
    /// <summary>
    /// Not the guest's fault but triggered by it: a host I/O error while serving a request. It
    /// shares the rate limit because a guest can provoke it in a loop (e.g. a failing disk).
    /// </summary>
    BackendIoError,
    /// <summary>A vsock packet for a connection the device does not have (answered with RST).</summary>
    UnknownConnection,
    /// <summary>A vsock packet that breaks the stream protocol (more data than the credit allows, RW before the connection is up, a second REQUEST); the connection is reset.</summary>
    ProtocolViolation,
}
