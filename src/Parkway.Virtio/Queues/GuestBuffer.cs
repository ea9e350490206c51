namespace Parkway.Virtio.Queues;

/// <summary>One descriptor's buffer: a guest range already checked to lie in guest RAM.</summary>
/// <param name="Address">Guest physical start.</param>
/// <param name="Length">Length in bytes.</param>
public readonly record struct GuestBuffer(ulong Address, uint Length);
