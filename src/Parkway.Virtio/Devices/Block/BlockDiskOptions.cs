namespace Parkway.Virtio.Devices.Block;

/// <summary>One <c>--disk</c>: a raw image file and how to present it.</summary>
/// <param name="Path">The image file.</param>
/// <param name="ReadOnly">Offer VIRTIO_BLK_F_RO and refuse writes.</param>
/// <param name="Id">The user's name for the disk (for QMP and logs), or null.</param>
/// <param name="Serial">What GET_ID answers (at most 20 bytes), or null for an empty id.</param>
public sealed record BlockDiskOptions(string Path, bool ReadOnly, string? Id, string? Serial);
