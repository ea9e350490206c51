using Parkway.Interop;

namespace Parkway.Virtio.Devices.Net;

/// <summary>
/// Where a virtio-net device's frames go and come from: a tap in the VMM. Every frame starts with
/// the 12-byte virtio-net header (the tap is opened with IFF_VNET_HDR), so checksum and
/// segmentation offloads pass through untouched. The descriptor is non-blocking.
/// </summary>
public interface INetBackend : IDisposable
{
    /// <summary>Polled for readable frames by the device worker.</summary>
    SafeFdHandle Handle { get; }

    /// <summary>True when <see cref="SetOffloads"/> reaches a kernel that honours it (a tap).</summary>
    bool SupportsOffloads { get; }

    /// <summary>Reads one frame into <paramref name="buffer"/>; 0 when none is waiting. Host errors are <see cref="IOException"/>s.</summary>
    int ReceiveFrame(Span<byte> buffer);

    /// <summary>
    /// Reads one frame scattered over <paramref name="pieces"/> (at most <see cref="Libc.IOV_MAX"/>, in
    /// memory that does not move during the call); 0 when none is waiting. A frame longer than the
    /// pieces is truncated by the kernel, so callers offer room for the largest frame.
    /// </summary>
    int ReceiveFrame(ReadOnlySpan<IoVector> pieces);

    /// <summary>Sends one frame; host errors (including a frame the kernel refuses) are <see cref="IOException"/>s.</summary>
    void SendFrame(ReadOnlySpan<byte> frame);

    /// <summary>
    /// Sends one frame gathered from <paramref name="pieces"/> (at most <see cref="Libc.IOV_MAX"/>),
    /// which point into memory that does not move during the call; errors as for the other overload.
    /// </summary>
    void SendFrame(ReadOnlySpan<IoVector> pieces);

    /// <summary>Tells the host which offloads the guest accepts on receive (TUN_F_* bits).</summary>
    void SetOffloads(uint tunFlags);
}
