namespace Parkway.Virtio.Devices.Vsock;

/// <summary>One <c>--vsock</c>: the guest's address and the host's Unix socket.</summary>
/// <param name="GuestCid">The guest's context id (3 .. 2^32 − 2).</param>
/// <param name="SocketPath">Where the VMM listens for host connections; guest connections to host port P go to <c>SocketPath_P</c>.</param>
public sealed record VsockOptions(ulong GuestCid, string SocketPath);
