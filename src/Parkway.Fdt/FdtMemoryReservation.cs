namespace Parkway.Fdt;

/// <summary>One entry of the DTB memory reservation block: physical memory the OS must not use.</summary>
/// <param name="Address">Guest-physical start address.</param>
/// <param name="Size">Length in bytes (never zero: a zero entry terminates the block).</param>
public readonly record struct FdtMemoryReservation(ulong Address, ulong Size);
