namespace Parkway.Fdt;

/// <summary>
/// Numbers fixed by the Devicetree Specification (v0.4, chapter 5 "Flattened Devicetree (DTB) Format").
/// Kept in one place so the writer and the reader cannot disagree.
/// </summary>
internal static class FdtFormat
{
    public const uint Magic = 0xD00DFEED;

    /// <summary>The version this library writes; version 17 added <c>size_dt_struct</c>.</summary>
    public const uint Version = 17;

    /// <summary>Version 17 blobs stay readable by version-16 readers, which is what dtc declares too.</summary>
    public const uint LastCompatibleVersion = 16;

    public const int HeaderSize = 40;
    public const int MemoryReservationEntrySize = 16;

    /// <summary>The structure block is a stream of 32-bit tokens; everything in it is padded to this.</summary>
    public const int StructureAlignment = 4;

    /// <summary>The memory reservation block holds 64-bit values and must be 8-byte aligned.</summary>
    public const int MemoryReservationAlignment = 8;

    public const uint TokenBeginNode = 0x1;
    public const uint TokenEndNode = 0x2;
    public const uint TokenProperty = 0x3;
    public const uint TokenNop = 0x4;
    public const uint TokenEnd = 0x9;

    public static int AlignUp(int value, int alignment) => (value + alignment - 1) & ~(alignment - 1);

    public static long AlignUp(long value, long alignment) => (value + alignment - 1) & ~(alignment - 1);
}
