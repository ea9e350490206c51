namespace Parkway.Virtio.Devices.Block;

/// <summary>virtio-blk's own state: which image, how it is presented, and its size when saved.</summary>
/// <param name="Path">Image file.</param>
/// <param name="ReadOnly">Presented read-only.</param>
/// <param name="Serial">GET_ID answer.</param>
/// <param name="CapacitySectors">Capacity in 512-byte sectors.</param>
public sealed record BlockDeviceState(string Path, bool ReadOnly, string? Serial, ulong CapacitySectors) : VirtioDeviceState;
