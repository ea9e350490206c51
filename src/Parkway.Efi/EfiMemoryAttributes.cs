namespace Parkway.Efi;

/// <summary>EFI memory descriptor <c>Attribute</c> bits (UEFI 2.10 §7.2, <c>GetMemoryMap</c>).</summary>
public static class EfiMemoryAttributes
{
    /// <summary>EFI_MEMORY_UC: uncacheable.</summary>
    public const ulong Uncacheable = 0x1;

    /// <summary>EFI_MEMORY_WC: write-combining.</summary>
    public const ulong WriteCombining = 0x2;

    /// <summary>EFI_MEMORY_WT: write-through.</summary>
    public const ulong WriteThrough = 0x4;

    /// <summary>EFI_MEMORY_WB: write-back.</summary>
    public const ulong WriteBack = 0x8;

    /// <summary>
    /// EFI_MEMORY_RUNTIME: the OS must map the range for runtime services (Parkway's code and the RTC
    /// window GetTime reads). Linux maps such ranges in efi_mm at their VirtualStart.
    /// </summary>
    public const ulong Runtime = 0x8000_0000_0000_0000;

    /// <summary>
    /// UC|WC|WT|WB, what firmware reports for ordinary RAM. arm64 Linux adds only ranges with WB (or
    /// WT/WC) to memblock, so RAM described without WB is silently dropped.
    /// </summary>
    public const ulong Default = Uncacheable | WriteCombining | WriteThrough | WriteBack;
}
