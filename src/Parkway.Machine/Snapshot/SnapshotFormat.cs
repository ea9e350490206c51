namespace Parkway.Machine.Snapshot;

/// <summary>
/// The numbers of the snapshot file format (docs/snapshot.md): a fixed header, a section table,
/// the sections, then guest memory at an aligned offset with zero pages left as holes.
/// All integers are little-endian.
/// </summary>
public static class SnapshotFormat
{
    /// <summary>The first eight bytes of every snapshot.</summary>
    public static ReadOnlySpan<byte> Magic => "PKWYSNAP"u8;

    /// <summary>The only format version this build reads and writes.</summary>
    public const uint Version = 1;

    /// <summary>Bytes of the fixed header (magic .. header checksum, then padding).</summary>
    public const int HeaderSize = 64;

    /// <summary>Bytes of one section table entry.</summary>
    public const int SectionEntrySize = 32;

    /// <summary>The header bytes covered by the header checksum before the section table.</summary>
    public const int HeaderHashedPrefix = 48;

    /// <summary>Granularity of the zero-page test and of the memory checksum.</summary>
    public const int PageSize = 4096;

    /// <summary>
    /// Alignment of the memory image in the file: 64 KiB, the largest arm64 host page size, so the
    /// image starts on a page boundary of any host and its holes line up with file-system blocks.
    /// </summary>
    public const long MemoryAlignment = 64 * 1024;

    /// <summary>Most sections a file may declare (a corrupt count must not allocate wildly).</summary>
    public const int MaxSections = 64;

    /// <summary>Largest section payload accepted (metadata only: memory is not a section).</summary>
    public const long MaxSectionLength = 256L << 20;
}

/// <summary>What a section holds. Unknown types are refused (a newer writer would bump the version).</summary>
public enum SnapshotSectionType : uint
{
    /// <summary>The machine configuration (topology, boot/max, memory size, ACPI, command line).</summary>
    Machine = 1,

    /// <summary>Every CPU slot, plugged or parked: plug state, MPIDR, MP state, every register.</summary>
    Cpus = 2,

    /// <summary>The interrupt controller (arm64: the vGICv3 distributor, redistributors, ICC registers, line levels).</summary>
    InterruptController = 3,

    /// <summary>Device state records (PL011, GED, CPU hot-plug registers).</summary>
    Devices = 4,
}

/// <summary>One section: its type and its payload bytes.</summary>
public sealed record SnapshotSection(SnapshotSectionType Type, byte[] Payload);
