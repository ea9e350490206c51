using System.Buffers.Binary;

namespace Parkway.Fdt;

/// <summary>
/// Parses DTB blobs. Everything is bounds-checked: a malformed or hostile blob produces an
/// <see cref="FdtFormatException"/> that says what is wrong and at which offset, never another exception.
/// </summary>
public sealed class FdtReader
{
    private FdtReader()
    {
    }

    /// <summary>Parses a DTB and returns its root node.</summary>
    /// <exception cref="FdtFormatException">The blob is malformed.</exception>
    public static FdtNode Parse(ReadOnlySpan<byte> dtb) => ParseDocument(dtb).Root;

    /// <summary>Parses a DTB into header, memory reservations and node tree.</summary>
    /// <exception cref="FdtFormatException">The blob is malformed.</exception>
    public static FdtDocument ParseDocument(ReadOnlySpan<byte> dtb)
    {
        FdtHeader header = ReadHeader(dtb);
        ReadOnlySpan<byte> blob = dtb[..(int)header.TotalSize];
        IReadOnlyList<FdtMemoryReservation> reservations = ReadMemoryReservations(blob, header);
        FdtNode root = FdtStructureParser.Parse(
            blob.Slice((int)header.StructureOffset, (int)header.StructureSize),
            blob.Slice((int)header.StringsOffset, (int)header.StringsSize),
            header.StructureOffset);
        return new FdtDocument(header, reservations, root);
    }

    /// <summary>Reads and validates the header: magic, version, and that every block lies inside the blob.</summary>
    /// <exception cref="FdtFormatException">The header is malformed.</exception>
    public static FdtHeader ReadHeader(ReadOnlySpan<byte> dtb)
    {
        if (dtb.Length < FdtFormat.HeaderSize)
        {
            throw new FdtFormatException(
                $"Truncated DTB: {dtb.Length} bytes, the header alone needs {FdtFormat.HeaderSize}.");
        }

        var header = new FdtHeader(
            Magic: ReadU32(dtb, 0),
            TotalSize: ReadU32(dtb, 4),
            StructureOffset: ReadU32(dtb, 8),
            StringsOffset: ReadU32(dtb, 12),
            MemoryReservationMapOffset: ReadU32(dtb, 16),
            Version: ReadU32(dtb, 20),
            LastCompatibleVersion: ReadU32(dtb, 24),
            BootCpuId: ReadU32(dtb, 28),
            StringsSize: ReadU32(dtb, 32),
            StructureSize: ReadU32(dtb, 36));

        if (header.Magic != FdtFormat.Magic)
        {
            throw new FdtFormatException($"Bad DTB magic 0x{header.Magic:x8}; expected 0x{FdtFormat.Magic:x8}.");
        }

        // Version 17 is the first with size_dt_struct, which the bounds checks below rely on; a newer
        // blob is readable only if it declares itself compatible with version 17.
        if (header.Version < FdtFormat.Version || header.LastCompatibleVersion > FdtFormat.Version)
        {
            throw new FdtFormatException(
                $"Unsupported DTB version {header.Version} (last compatible {header.LastCompatibleVersion}); " +
                $"this reader handles version {FdtFormat.Version}.");
        }

        if (header.TotalSize < FdtFormat.HeaderSize || header.TotalSize > dtb.Length)
        {
            throw new FdtFormatException(
                $"DTB totalsize {header.TotalSize} is outside [{FdtFormat.HeaderSize}, {dtb.Length}] " +
                "(the blob is truncated or the header is corrupt).");
        }

        CheckBlock("memory reservation block", header.MemoryReservationMapOffset, FdtFormat.MemoryReservationEntrySize, header.TotalSize);
        CheckAlignment("memory reservation block", header.MemoryReservationMapOffset, FdtFormat.MemoryReservationAlignment);
        CheckBlock("structure block", header.StructureOffset, header.StructureSize, header.TotalSize);
        CheckAlignment("structure block", header.StructureOffset, FdtFormat.StructureAlignment);
        CheckBlock("strings block", header.StringsOffset, header.StringsSize, header.TotalSize);
        return header;
    }

    private static List<FdtMemoryReservation> ReadMemoryReservations(ReadOnlySpan<byte> blob, FdtHeader header)
    {
        var reservations = new List<FdtMemoryReservation>();
        for (long offset = header.MemoryReservationMapOffset; ; offset += FdtFormat.MemoryReservationEntrySize)
        {
            if (offset + FdtFormat.MemoryReservationEntrySize > blob.Length)
            {
                throw new FdtFormatException(
                    $"Memory reservation block starting at {header.MemoryReservationMapOffset} has no terminating " +
                    "zero entry before the end of the blob.");
            }

            ulong address = BinaryPrimitives.ReadUInt64BigEndian(blob[(int)offset..]);
            ulong size = BinaryPrimitives.ReadUInt64BigEndian(blob[((int)offset + 8)..]);
            if (address == 0 && size == 0)
            {
                return reservations;
            }

            reservations.Add(new FdtMemoryReservation(address, size));
        }
    }

    private static void CheckBlock(string what, uint offset, uint size, uint totalSize)
    {
        // long arithmetic: offset + size may exceed uint.MaxValue in a hostile header.
        if (offset < FdtFormat.HeaderSize || (long)offset + size > totalSize)
        {
            throw new FdtFormatException(
                $"DTB {what} [{offset}, {(long)offset + size}) lies outside the blob [{FdtFormat.HeaderSize}, {totalSize}).");
        }
    }

    private static void CheckAlignment(string what, uint offset, int alignment)
    {
        if (offset % alignment != 0)
        {
            throw new FdtFormatException($"DTB {what} offset {offset} is not {alignment}-byte aligned.");
        }
    }

    private static uint ReadU32(ReadOnlySpan<byte> bytes, int offset) =>
        BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]);
}
