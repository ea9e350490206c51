namespace Parkway.Virtio.Devices.Vsock;

/// <summary>Where one vsock stream is in its life.</summary>
internal enum VsockConnectionState
{
    /// <summary>Host-initiated: REQUEST queued or sent to the guest, waiting for its RESPONSE (or RST, or the timeout).</summary>
    Connecting,
    /// <summary>Both sides connected: data flows under credit.</summary>
    Established,
    /// <summary>The guest shut both directions; the host socket is being given the last bytes before the RST that ends it.</summary>
    Closing,
    /// <summary>Host socket closed; an RST for the guest waits for a receive buffer, then the entry goes.</summary>
    Resetting,
}
