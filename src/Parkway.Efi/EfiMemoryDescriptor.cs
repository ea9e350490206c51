namespace Parkway.Efi;

/// <summary>One EFI memory map entry (EFI_MEMORY_DESCRIPTOR, version 1).</summary>
/// <param name="Type">What the range is used for.</param>
/// <param name="PhysicalStart">Guest-physical start, 4 KiB aligned.</param>
/// <param name="NumberOfPages">Length in 4 KiB pages.</param>
/// <param name="Attribute">EFI_MEMORY_* capability bits.</param>
public readonly record struct EfiMemoryDescriptor(EfiMemoryType Type, ulong PhysicalStart, ulong NumberOfPages, ulong Attribute)
{
    /// <summary>Length of the range in bytes.</summary>
    public ulong Size => NumberOfPages * EfiMemoryMapBuilder.PageSize;

    /// <summary>First address after the range (may be 2^64, reported as 0, only for a range ending at the top).</summary>
    public ulong End => PhysicalStart + Size;
}
