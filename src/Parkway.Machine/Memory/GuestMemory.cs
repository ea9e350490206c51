using Parkway.Interop;

namespace Parkway.Machine.Memory;

/// <summary>
/// The guest's RAM: one anonymous host mapping that KVM maps at <see cref="BaseAddress"/>.
/// All accesses from the VMM are bounds-checked by guest physical address; pages are only
/// touched (and so only cost host memory) when the guest or a loader writes them.
/// </summary>
public sealed unsafe class GuestMemory : IDisposable
{
    private readonly nint _host;
    private bool _disposed;

    /// <summary>Reserves <paramref name="size"/> bytes of guest RAM starting at <paramref name="baseAddress"/>.</summary>
    public GuestMemory(ulong baseAddress, ulong size)
    {
        BaseAddress = baseAddress;
        Size = size;
        _host = MapAligned(size);
    }

    /// <summary>
    /// Maps anonymous memory whose host address is 2 MiB aligned. KVM can only back guest memory
    /// with 2 MiB stage-2 blocks when guest and host addresses agree modulo 2 MiB and the host
    /// pages are transparent huge pages; 4 KiB stage-2 mappings mean one stage-2 fault per page
    /// and far more TLB pressure (measured: a guest boot in the arm64 test host took several times
    /// longer). MAP_NORESERVE: guests are sized generously; only touched pages count.
    /// </summary>
    private static nint MapAligned(ulong size)
    {
        const ulong HugePage = 2UL << 20;
        ulong reserve = size + HugePage;
        nint raw = Libc.Mmap(0, (nuint)reserve, Libc.PROT_READ | Libc.PROT_WRITE,
            Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
        if (raw == Libc.MapFailed)
        {
            int errno = Errno.Last;
            throw new KvmException("mmap(guest RAM)", errno, $"cannot reserve {size >> 20} MiB of guest RAM: {Errno.Describe(errno)}");
        }

        ulong start = ((ulong)raw + HugePage - 1) & ~(HugePage - 1);
        ulong head = start - (ulong)raw;
        // SAFETY: both trimmed ranges lie inside the mapping just created and are never used.
        if (head > 0)
        {
            Libc.Munmap(raw, (nuint)head);
        }

        ulong tail = reserve - head - size;
        if (tail > 0)
        {
            Libc.Munmap((nint)(start + size), (nuint)tail);
        }

        // Best effort: without THP support the guest still runs, only slower.
        _ = Libc.Madvise((nint)start, (nuint)size, Libc.MADV_HUGEPAGE);
        return (nint)start;
    }

    /// <summary>
    /// Backs [<paramref name="address"/>, +<paramref name="length"/>) with ordinary 4 KiB pages
    /// instead of huge pages (MADV_NOHUGEPAGE), for a range the VMM itself writes a little into
    /// (boot data): one huge page there would make 2 MiB resident for a few KiB of tables.
    /// Best effort, like the huge-page advice.
    /// </summary>
    public void UseSmallPages(ulong address, ulong length)
    {
        Span<byte> range = Slice(address, checked((int)length));
        // SAFETY: the range was just checked to lie inside this mapping; madvise reads no memory.
        fixed (byte* start = range)
        {
            _ = Libc.Madvise((nint)start, (nuint)length, Libc.MADV_NOHUGEPAGE);
        }
    }

    /// <summary>Guest physical address of the first byte.</summary>
    public ulong BaseAddress { get; }

    /// <summary>Size in bytes.</summary>
    public ulong Size { get; }

    /// <summary>Guest physical address one past the last byte.</summary>
    public ulong EndAddress => BaseAddress + Size;

    /// <summary>Host address of the mapping (for KVM_SET_USER_MEMORY_REGION).</summary>
    public nint HostAddress => _host;

    /// <summary>True when [address, address+length) lies inside RAM.</summary>
    public bool Contains(ulong address, ulong length) =>
        address >= BaseAddress && length <= Size && address - BaseAddress <= Size - length;

    /// <summary>Copies <paramref name="data"/> into guest RAM at <paramref name="address"/>.</summary>
    public void Write(ulong address, ReadOnlySpan<byte> data) => data.CopyTo(Slice(address, data.Length));

    /// <summary>Copies guest RAM at <paramref name="address"/> into <paramref name="destination"/>.</summary>
    public void Read(ulong address, Span<byte> destination) => Slice(address, destination.Length).CopyTo(destination);

    /// <summary>Reads a little-endian u64 from guest RAM.</summary>
    public ulong ReadUInt64(ulong address)
    {
        Span<byte> buffer = stackalloc byte[8];
        Read(address, buffer);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(buffer);
    }

    /// <summary>Copies a whole open host file into guest RAM (pread from offset 0) and returns its length.</summary>
    public long LoadFile(Microsoft.Win32.SafeHandles.SafeFileHandle file, ulong address)
    {
        long length = RandomAccess.GetLength(file);
        Span<byte> target = Slice(address, checked((int)length));
        int done = 0;
        while (done < target.Length)
        {
            int read = RandomAccess.Read(file, target[done..], done);
            if (read == 0)
            {
                throw new IOException($"the file shrank while it was loaded ({done} of {length} bytes)");
            }

            done += read;
        }

        return length;
    }

    /// <summary>
    /// Machine reset: every page is dropped and reads as zero again (MADV_DONTNEED on the private
    /// anonymous mapping; KVM's stage-2 mappings follow through its MMU notifier). Costs nothing
    /// per untouched page and gives the host the old guest's memory back. No vCPU or device may
    /// touch RAM meanwhile.
    /// </summary>
    public void ZeroAll()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // SAFETY: the whole live mapping of Size bytes at _host; the caller guarantees no user.
        if (Libc.Madvise(_host, (nuint)Size, Libc.MADV_DONTNEED) != 0)
        {
            throw new KvmException("madvise(guest RAM, MADV_DONTNEED)", Errno.Last);
        }

        // THP advice is per mapping and survives MADV_DONTNEED; nothing to redo.
    }

    /// <summary>A writable view of guest RAM, after a bounds check.</summary>
    public Span<byte> Slice(ulong address, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (length < 0 || !Contains(address, (ulong)length))
        {
            throw new GuestMemoryException(address, length, BaseAddress, EndAddress);
        }

        // SAFETY: the range was checked to lie inside the live mapping of Size bytes at _host.
        return new Span<byte>((byte*)_host + (address - BaseAddress), length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // SAFETY: the mapping is ours; KVM's memory slot dies with the VM fd, which is closed first.
        Libc.Munmap(_host, (nuint)Size);
    }
}

/// <summary>An access outside guest RAM.</summary>
public sealed class GuestMemoryException : Exception
{
    /// <summary>Creates the exception for the failed range.</summary>
    public GuestMemoryException(ulong address, int length, ulong ramStart, ulong ramEnd)
        : base($"guest physical range 0x{address:x}+0x{length:x} is outside RAM [0x{ramStart:x}, 0x{ramEnd:x})")
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public GuestMemoryException()
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public GuestMemoryException(string message)
        : base(message)
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public GuestMemoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
