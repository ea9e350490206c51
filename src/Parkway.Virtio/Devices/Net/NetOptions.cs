namespace Parkway.Virtio.Devices.Net;

/// <summary>One <c>--net</c>: a tap to attach to.</summary>
/// <param name="Tap">Interface name.</param>
/// <param name="Mac">The guest's address, or null for <see cref="MacAddress.Default"/>.</param>
/// <param name="Id">The user's name for the NIC, or null.</param>
public sealed record NetOptions(string Tap, MacAddress? Mac, string? Id);
