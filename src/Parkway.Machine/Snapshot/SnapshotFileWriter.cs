using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Parkway.Machine.Snapshot;

/// <summary>
/// Writes a snapshot file: header, section table, sections, then the guest memory image, in which
/// only non-zero pages are written (positioned writes into a file already sized to its full
/// length), so every zero page stays a hole: the file is sparse and SEEK_DATA finds the rest.
/// </summary>
public static class SnapshotFileWriter
{
    /// <summary>
    /// Writes <paramref name="sections"/> and the <paramref name="memorySize"/> bytes of guest memory
    /// at <paramref name="memory"/> to <paramref name="path"/> (created or replaced). The memory must
    /// not change while this runs (the machine is paused).
    /// </summary>
    /// <returns>The bytes of guest memory actually written (non-zero pages).</returns>
    public static unsafe long Write(string path, IReadOnlyList<SnapshotSection> sections, nint memory, ulong memorySize)
    {
        ArgumentNullException.ThrowIfNull(sections);
        if (sections.Count > SnapshotFormat.MaxSections)
        {
            throw new ArgumentException($"at most {SnapshotFormat.MaxSections} sections", nameof(sections));
        }

        if (memorySize % SnapshotFormat.PageSize != 0)
        {
            throw new ArgumentException("memory size must be a whole number of pages", nameof(memorySize));
        }

        long position = SnapshotFormat.HeaderSize + (long)sections.Count * SnapshotFormat.SectionEntrySize;
        var offsets = new long[sections.Count];
        for (int i = 0; i < sections.Count; i++)
        {
            position = Align(position, 8);
            offsets[i] = position;
            position += sections[i].Payload.Length;
        }

        long memoryOffset = Align(position, SnapshotFormat.MemoryAlignment);
        byte[] head = new byte[memoryOffset];

        // SAFETY: memory points at memorySize readable bytes for the duration of this call (caller's contract).
        var memoryHash = new XxHash3();
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        RandomAccess.SetLength(file, memoryOffset + (long)memorySize);
        long written = WriteMemory(file, (byte*)memory, memorySize, memoryOffset, memoryHash);

        Span<byte> header = head.AsSpan(0, SnapshotFormat.HeaderSize);
        SnapshotFormat.Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], SnapshotFormat.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)sections.Count);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], memoryOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], memorySize);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], memoryHash.GetCurrentHashAsUInt64());
        for (int i = 0; i < sections.Count; i++)
        {
            Span<byte> entry = head.AsSpan(SnapshotFormat.HeaderSize + (i * SnapshotFormat.SectionEntrySize), SnapshotFormat.SectionEntrySize);
            BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)sections[i].Type);
            BinaryPrimitives.WriteInt64LittleEndian(entry[8..], offsets[i]);
            BinaryPrimitives.WriteInt64LittleEndian(entry[16..], sections[i].Payload.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], XxHash3.HashToUInt64(sections[i].Payload));
            sections[i].Payload.CopyTo(head, offsets[i]);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(header[48..], HeaderHash(head, sections.Count));
        // The header goes last: a save interrupted half-way leaves a file without a valid header.
        RandomAccess.Write(file, head, 0);
        return written;
    }

    /// <summary>The header checksum: the fixed fields before it, then the section table.</summary>
    internal static ulong HeaderHash(ReadOnlySpan<byte> head, int sectionCount)
    {
        var hash = new XxHash3();
        hash.Append(head[..SnapshotFormat.HeaderHashedPrefix]);
        hash.Append(head.Slice(SnapshotFormat.HeaderSize, sectionCount * SnapshotFormat.SectionEntrySize));
        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Adds one non-zero page to the memory checksum: its index, then its bytes.</summary>
    internal static void HashPage(XxHash3 hash, ulong pageIndex, ReadOnlySpan<byte> page)
    {
        Span<byte> index = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(index, pageIndex);
        hash.Append(index);
        hash.Append(page);
    }

    internal static long Align(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    private static unsafe long WriteMemory(SafeFileHandle file, byte* memory, ulong size, long fileOffset, XxHash3 hash)
    {
        // Runs of non-zero pages go out in one positioned write each, at most 16 MiB at a time.
        const ulong MaxRun = 16UL << 20;
        long written = 0;
        ulong runStart = 0, runLength = 0;
        for (ulong offset = 0; offset < size; offset += SnapshotFormat.PageSize)
        {
            // SAFETY: offset + PageSize <= size, inside the caller's buffer.
            var page = new ReadOnlySpan<byte>(memory + offset, SnapshotFormat.PageSize);
            bool zero = !page.ContainsAnyExcept((byte)0);
            if (!zero)
            {
                HashPage(hash, offset / SnapshotFormat.PageSize, page);
                if (runLength == 0)
                {
                    runStart = offset;
                }

                runLength += SnapshotFormat.PageSize;
            }

            if (runLength > 0 && (zero || runLength == MaxRun || offset + SnapshotFormat.PageSize == size))
            {
                // SAFETY: the run lies inside the caller's buffer.
                RandomAccess.Write(file, new ReadOnlySpan<byte>(memory + runStart, (int)runLength), fileOffset + (long)runStart);
                written += (long)runLength;
                runLength = 0;
            }
        }

        return written;
    }
}
