namespace Parkway.Virtio.Devices.Net;

/// <summary>virtio-net's own state: the address the guest sees and the tap it is attached to.</summary>
/// <param name="Mac">MAC address.</param>
/// <param name="Tap">Tap interface name (null for a non-tap backend).</param>
public sealed record NetDeviceState(MacAddress Mac, string? Tap) : VirtioDeviceState;
