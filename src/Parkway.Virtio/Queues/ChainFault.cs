using Parkway.Virtio.Diagnostics;

namespace Parkway.Virtio.Queues;

/// <summary>Why a descriptor chain was refused.</summary>
/// <param name="Kind">The kind of mistake (the rate-limited log's key).</param>
/// <param name="Detail">What exactly was wrong, for the log line.</param>
public readonly record struct ChainFault(GuestErrorKind Kind, string Detail);
