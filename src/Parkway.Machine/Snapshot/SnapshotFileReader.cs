using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;
using Parkway.Interop;

namespace Parkway.Machine.Snapshot;

/// <summary>
/// Reads and checks a snapshot file. <see cref="Open"/> verifies the magic, the version, the
/// header and section checksums and that the file is as long as its header says, so a truncated,
/// corrupt or foreign file is refused before anything is built; <see cref="LoadMemory"/> copies the
/// memory image's data extents into guest memory and verifies the memory checksum.
/// </summary>
public sealed class SnapshotFileReader : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly string _path;
    private readonly long _memoryOffset;
    private readonly ulong _memoryHash;

    private SnapshotFileReader(SafeFileHandle file, string path, IReadOnlyList<SnapshotSection> sections, long memoryOffset, ulong memorySize, ulong memoryHash)
    {
        _file = file;
        _path = path;
        Sections = sections;
        _memoryOffset = memoryOffset;
        MemorySize = memorySize;
        _memoryHash = memoryHash;
    }

    /// <summary>The sections, in file order, each checked against its checksum.</summary>
    public IReadOnlyList<SnapshotSection> Sections { get; }

    /// <summary>Bytes of guest memory in the image.</summary>
    public ulong MemorySize { get; }

    /// <summary>The payload of the one section of <paramref name="type"/>; refused when missing.</summary>
    public byte[] Section(SnapshotSectionType type) =>
        Sections.FirstOrDefault(s => s.Type == type)?.Payload ?? throw new SnapshotFormatException($"{_path}: snapshot has no {type} section");

    /// <summary>Opens <paramref name="path"/> and checks everything but the memory image's contents.</summary>
    public static SnapshotFileReader Open(string path)
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SnapshotFormatException($"{path}: cannot open the snapshot: {e.Message}", e);
        }

        try
        {
            return Check(file, path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static SnapshotFileReader Check(SafeFileHandle file, string path)
    {
        long length = RandomAccess.GetLength(file);
        byte[] header = new byte[SnapshotFormat.HeaderSize];
        if (length < SnapshotFormat.HeaderSize || RandomAccess.Read(file, header, 0) != header.Length)
        {
            throw new SnapshotFormatException($"{path}: not a Parkway snapshot (shorter than its header: {length} bytes)");
        }

        if (!header.AsSpan(0, 8).SequenceEqual(SnapshotFormat.Magic))
        {
            throw new SnapshotFormatException($"{path}: not a Parkway snapshot (bad magic)");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        if (version != SnapshotFormat.Version)
        {
            throw new SnapshotFormatException($"{path}: snapshot format version {version}, this parkway reads version {SnapshotFormat.Version} only");
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        long memoryOffset = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16));
        ulong memorySize = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(24));
        ulong memoryHash = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(32));
        ulong headerHash = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(48));
        long tableEnd = SnapshotFormat.HeaderSize + ((long)Math.Min(count, (uint)SnapshotFormat.MaxSections) * SnapshotFormat.SectionEntrySize);
        if (count > SnapshotFormat.MaxSections || memoryOffset < tableEnd || memoryOffset % SnapshotFormat.MemoryAlignment != 0
            || memorySize % SnapshotFormat.PageSize != 0 || memorySize > long.MaxValue / 2)
        {
            throw new SnapshotFormatException($"{path}: corrupt snapshot header");
        }

        if (length < tableEnd)
        {
            throw new SnapshotFormatException($"{path}: truncated snapshot ({length} bytes, its section table ends at {tableEnd})");
        }

        byte[] head = new byte[tableEnd];
        RandomAccess.Read(file, head, 0);
        if (SnapshotFileWriter.HeaderHash(head, (int)count) != headerHash)
        {
            throw new SnapshotFormatException($"{path}: corrupt snapshot (header checksum mismatch)");
        }

        long expected = memoryOffset + (long)memorySize;
        if (length != expected)
        {
            throw new SnapshotFormatException(length < expected
                ? $"{path}: truncated snapshot ({length} bytes, {expected} expected)"
                : $"{path}: corrupt snapshot ({length} bytes, {expected} expected)");
        }

        var sections = new List<SnapshotSection>((int)count);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> entry = head.AsSpan(SnapshotFormat.HeaderSize + (i * SnapshotFormat.SectionEntrySize), SnapshotFormat.SectionEntrySize);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            long offset = BinaryPrimitives.ReadInt64LittleEndian(entry[8..]);
            long size = BinaryPrimitives.ReadInt64LittleEndian(entry[16..]);
            ulong hash = BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]);
            if (!Enum.IsDefined((SnapshotSectionType)type) || offset < tableEnd || size < 0 || size > SnapshotFormat.MaxSectionLength || offset > memoryOffset - size)
            {
                throw new SnapshotFormatException($"{path}: corrupt snapshot (section table entry {i})");
            }

            byte[] payload = new byte[size];
            RandomAccess.Read(file, payload, offset);
            if (XxHash3.HashToUInt64(payload) != hash)
            {
                throw new SnapshotFormatException($"{path}: corrupt snapshot ({(SnapshotSectionType)type} section checksum mismatch)");
            }

            sections.Add(new SnapshotSection((SnapshotSectionType)type, payload));
        }

        return new SnapshotFileReader(file, path, sections, memoryOffset, memorySize, memoryHash);
    }

    /// <summary>
    /// Copies the memory image into <paramref name="memory"/> (<see cref="MemorySize"/> bytes, all
    /// zero: freshly mapped) and checks the memory checksum. Only the file's data extents are read
    /// (SEEK_DATA/SEEK_HOLE), so the holes cost nothing and leave the guest's pages untouched.
    /// </summary>
    public unsafe void LoadMemory(nint memory)
    {
        var hash = new XxHash3();
        long end = _memoryOffset + (long)MemorySize;
        long position = _memoryOffset;
        while (position < end)
        {
            long data = Libc.Lseek(_file, position, Libc.SEEK_DATA);
            if (data < 0)
            {
                int errno = Errno.Last;
                if (errno == Errno.ENXIO)
                {
                    break; // no data after position: the rest is a hole
                }

                // A file system without SEEK_DATA: treat everything as data.
                data = position;
            }

            if (data >= end)
            {
                break;
            }

            long hole = Libc.Lseek(_file, data, Libc.SEEK_HOLE);
            if (hole < 0 || hole > end)
            {
                hole = end;
            }

            // Whole pages: a file system's blocks may be smaller than a page.
            long start = data - ((data - _memoryOffset) % SnapshotFormat.PageSize);
            long stop = Math.Min(end, SnapshotFileWriter.Align(hole - _memoryOffset, SnapshotFormat.PageSize) + _memoryOffset);
            CopyAndHash((byte*)memory, start, stop, hash);
            position = stop;
        }

        if (hash.GetCurrentHashAsUInt64() != _memoryHash)
        {
            throw new SnapshotFormatException($"{_path}: corrupt snapshot (guest memory checksum mismatch)");
        }
    }

    private unsafe void CopyAndHash(byte* memory, long start, long stop, XxHash3 hash)
    {
        const int Chunk = 16 << 20;
        for (long offset = start; offset < stop; offset += Chunk)
        {
            int length = (int)Math.Min(Chunk, stop - offset);
            // SAFETY: [offset - _memoryOffset, + length) lies inside the guest memory buffer of MemorySize bytes.
            var target = new Span<byte>(memory + (offset - _memoryOffset), length);
            int read = RandomAccess.Read(_file, target, offset);
            if (read != length)
            {
                throw new SnapshotFormatException($"{_path}: truncated snapshot (memory image short read)");
            }

            ulong firstPage = (ulong)(offset - _memoryOffset) / SnapshotFormat.PageSize;
            for (int page = 0; page * SnapshotFormat.PageSize < length; page++)
            {
                Span<byte> bytes = target.Slice(page * SnapshotFormat.PageSize, Math.Min(SnapshotFormat.PageSize, length - (page * SnapshotFormat.PageSize)));
                if (bytes.ContainsAnyExcept((byte)0))
                {
                    SnapshotFileWriter.HashPage(hash, firstPage + (ulong)page, bytes);
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
