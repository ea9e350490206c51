namespace Parkway.Virtio.Devices.Vsock;

/// <summary>
/// virtio-vsock's own state: the guest's address and the host socket. Open connections are host
/// sockets and are not part of it: a restored device starts with none (the guest sees its old
/// connections reset when it next uses them).
/// </summary>
/// <param name="GuestCid">The guest's context id.</param>
/// <param name="SocketPath">The hybrid-vsock Unix socket.</param>
public sealed record VsockDeviceState(ulong GuestCid, string SocketPath) : VirtioDeviceState;
