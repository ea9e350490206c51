using System.Buffers.Binary;
using System.Runtime.InteropServices;
using CsCheck;
using Parkway.Machine.Snapshot;

namespace Parkway.Tests.Snapshot;

/// <summary>
/// The snapshot container (docs/snapshot.md): what is written reads back identically, zero pages
/// are not written, and a file damaged anywhere (any section, the header, the memory image),
/// truncated at any point or of another version is refused with one message.
/// </summary>
public sealed unsafe class SnapshotFileTests : IDisposable
{
    private const int Pages = 64;
    private readonly string _directory = Directory.CreateTempSubdirectory("parkway-snapshot-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Sections_and_memory_read_back_identically_and_only_non_zero_pages_are_written()
    {
        Gen<byte[]> payload = Gen.Byte.Array[0, 300];
        Gen<(byte[][] Sections, int[] DataPages, byte Fill)> cases = Gen.Select(payload.Array[0, 4], Gen.Int[0, Pages - 1].Array[0, 20], Gen.Byte[1, 255]);
        int run = 0;
        cases.Sample(sample =>
        {
            string path = Path.Combine(_directory, $"round-{run++}.snap");
            SnapshotSection[] sections = [.. sample.Sections.Select((bytes, i) => new SnapshotSection((SnapshotSectionType)(1 + (i % 4)), bytes))];
            using var memory = new Buffer(Pages);
            foreach (int page in sample.DataPages)
            {
                memory.Span.Slice(page * SnapshotFormat.PageSize, SnapshotFormat.PageSize).Fill(sample.Fill);
                memory.Span[(page * SnapshotFormat.PageSize) + 17] = (byte)page;
            }

            long written = SnapshotFileWriter.Write(path, sections, memory.Address, memory.Size);
            Assert.Equal(sample.DataPages.Distinct().Count() * (long)SnapshotFormat.PageSize, written);

            using SnapshotFileReader reader = SnapshotFileReader.Open(path);
            Assert.Equal(sections.Select(s => s.Type), reader.Sections.Select(s => s.Type));
            for (int i = 0; i < sections.Length; i++)
            {
                Assert.Equal(sections[i].Payload, reader.Sections[i].Payload);
            }

            using var restored = new Buffer(Pages);
            reader.LoadMemory(restored.Address);
            Assert.True(memory.Span.SequenceEqual(restored.Span));
        }, iter: 40);
    }

    [Fact]
    public void The_memory_image_starts_aligned_and_the_file_has_its_full_length()
    {
        string path = Write(out _);
        byte[] header = File.ReadAllBytes(path).AsSpan(0, SnapshotFormat.HeaderSize).ToArray();
        long memoryOffset = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16));
        Assert.Equal(0, memoryOffset % SnapshotFormat.MemoryAlignment);
        Assert.Equal(memoryOffset + (Pages * SnapshotFormat.PageSize), new FileInfo(path).Length);
    }

    [Fact]
    public void A_damaged_byte_in_any_section_is_refused_naming_the_section()
    {
        string path = Write(out SnapshotSection[] sections);
        byte[] original = File.ReadAllBytes(path);
        for (int i = 0; i < sections.Length; i++)
        {
            long offset = BinaryPrimitives.ReadInt64LittleEndian(original.AsSpan(SnapshotFormat.HeaderSize + (i * SnapshotFormat.SectionEntrySize) + 8));
            foreach (long at in (long[])[offset, offset + sections[i].Payload.Length - 1])
            {
                byte[] damaged = (byte[])original.Clone();
                damaged[at] ^= 0x40;
                File.WriteAllBytes(path, damaged);
                var error = Assert.Throws<SnapshotFormatException>(() => SnapshotFileReader.Open(path).Dispose());
                Assert.Contains($"{sections[i].Type} section checksum mismatch", error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_damaged_byte_in_the_header_or_section_table_is_refused()
    {
        string path = Write(out SnapshotSection[] sections);
        byte[] original = File.ReadAllBytes(path);
        int tableEnd = SnapshotFormat.HeaderSize + (sections.Length * SnapshotFormat.SectionEntrySize);
        for (int at = 0; at < tableEnd; at++)
        {
            if (at is >= 56 and < SnapshotFormat.HeaderSize)
            {
                continue; // padding, covered by nothing and read by nothing
            }

            byte[] damaged = (byte[])original.Clone();
            damaged[at] ^= 0x01;
            File.WriteAllBytes(path, damaged);
            Assert.Throws<SnapshotFormatException>(() => SnapshotFileReader.Open(path).Dispose());
        }
    }

    [Fact]
    public void A_damaged_memory_page_is_refused_when_memory_is_loaded()
    {
        string path = Write(out _);
        byte[] original = File.ReadAllBytes(path);
        long memoryOffset = BinaryPrimitives.ReadInt64LittleEndian(original.AsSpan(16));
        // A byte of a data page, and a byte of a zero page (a hole that became data).
        foreach (long at in (long[])[memoryOffset + (3 * SnapshotFormat.PageSize) + 5, memoryOffset + (40 * SnapshotFormat.PageSize)])
        {
            byte[] damaged = (byte[])original.Clone();
            damaged[at] ^= 0x80;
            File.WriteAllBytes(path, damaged);
            using SnapshotFileReader reader = SnapshotFileReader.Open(path);
            using var memory = new Buffer(Pages);
            var error = Assert.Throws<SnapshotFormatException>(() => reader.LoadMemory(memory.Address));
            Assert.Contains("guest memory checksum mismatch", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_file_truncated_anywhere_is_refused()
    {
        string path = Write(out _);
        byte[] original = File.ReadAllBytes(path);
        foreach (int length in (int[])[0, 7, 8, 40, SnapshotFormat.HeaderSize - 1, SnapshotFormat.HeaderSize, 100, 300, original.Length / 2, original.Length - 1])
        {
            File.WriteAllBytes(path, original.AsSpan(0, length).ToArray());
            var error = Assert.Throws<SnapshotFormatException>(() => SnapshotFileReader.Open(path).Dispose());
            Assert.DoesNotContain('\n', error.Message);
        }

        File.WriteAllBytes(path, original.AsSpan(0, original.Length - 1).ToArray());
        Assert.Contains("truncated", Assert.Throws<SnapshotFormatException>(() => SnapshotFileReader.Open(path).Dispose()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_version_or_magic_is_refused_with_what_it_is()
    {
        string path = Write(out _);
        byte[] original = File.ReadAllBytes(path);
        byte[] versioned = (byte[])original.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(versioned.AsSpan(8), SnapshotFormat.Version + 1);
        File.WriteAllBytes(path, versioned);
        Assert.Contains($"version {SnapshotFormat.Version + 1}", Assert.Throws<SnapshotFormatException>(() => SnapshotFileReader.Open(path).Dispose()).Message, StringComparison.Ordinal);

        byte[] foreign = (byte[])original.Clone();
        foreign[0] = (byte)'X';
        File.WriteAllBytes(path, foreign);
        Assert.Contains("not a Parkway snapshot", Assert.Throws<SnapshotFormatException>(() => SnapshotFileReader.Open(path).Dispose()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_refused_with_its_path()
    {
        string path = Path.Combine(_directory, "absent.snap");
        Assert.Contains(path, Assert.Throws<SnapshotFormatException>(() => SnapshotFileReader.Open(path).Dispose()).Message, StringComparison.Ordinal);
    }

    private string Write(out SnapshotSection[] sections)
    {
        string path = Path.Combine(_directory, "fixed.snap");
        sections =
        [
            new(SnapshotSectionType.Machine, [1, 2, 3, 4, 5]),
            new(SnapshotSectionType.Cpus, [.. Enumerable.Range(0, 200).Select(i => (byte)i)]),
            new(SnapshotSectionType.Devices, [9]),
        ];
        using var memory = new Buffer(Pages);
        memory.Span.Slice(3 * SnapshotFormat.PageSize, 10).Fill(0xAB);
        memory.Span[(20 * SnapshotFormat.PageSize) + 4095] = 1;
        SnapshotFileWriter.Write(path, sections, memory.Address, memory.Size);
        return path;
    }

    /// <summary>Zeroed native memory standing in for guest RAM.</summary>
    private sealed class Buffer : IDisposable
    {
        public Buffer(int pages)
        {
            Size = (ulong)pages * SnapshotFormat.PageSize;
            // SAFETY: a fresh zeroed allocation of Size bytes, freed in Dispose.
            Address = (nint)NativeMemory.AllocZeroed((nuint)Size);
        }

        public nint Address { get; }

        public ulong Size { get; }

        // SAFETY: Address is a live allocation of Size bytes until Dispose.
        public Span<byte> Span => new((void*)Address, (int)Size);

        public void Dispose() => NativeMemory.Free((void*)Address);
    }
}
