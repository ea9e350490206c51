namespace Parkway.Fdt;

/// <summary>The ten big-endian 32-bit fields of a DTB header, in file order.</summary>
/// <param name="Magic">Always 0xd00dfeed in a valid blob.</param>
/// <param name="TotalSize">Size of the whole blob in bytes.</param>
/// <param name="StructureOffset"><c>off_dt_struct</c>: offset of the structure block.</param>
/// <param name="StringsOffset"><c>off_dt_strings</c>: offset of the strings block.</param>
/// <param name="MemoryReservationMapOffset"><c>off_mem_rsvmap</c>: offset of the memory reservation block.</param>
/// <param name="Version">Format version (17 here).</param>
/// <param name="LastCompatibleVersion">Oldest version this blob is backwards compatible with (16).</param>
/// <param name="BootCpuId"><c>boot_cpuid_phys</c>: physical id of the boot CPU.</param>
/// <param name="StringsSize"><c>size_dt_strings</c>: length of the strings block.</param>
/// <param name="StructureSize"><c>size_dt_struct</c>: length of the structure block.</param>
public readonly record struct FdtHeader(
    uint Magic,
    uint TotalSize,
    uint StructureOffset,
    uint StringsOffset,
    uint MemoryReservationMapOffset,
    uint Version,
    uint LastCompatibleVersion,
    uint BootCpuId,
    uint StringsSize,
    uint StructureSize);
