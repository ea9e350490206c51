using Microsoft.Win32.SafeHandles;
using Parkway.Interop;

namespace Parkway.Virtio.Devices.Block;

/// <summary>
/// A raw disk image file: pread/pwrite (RandomAccess), fdatasync for FLUSH, and fallocate for
/// DISCARD (punch hole) and WRITE_ZEROES (zero range, else punch hole). Whether the file system
/// can punch holes is probed once at open with a hole beyond the end of the file, which changes
/// nothing (KEEP_SIZE) where it is supported.
/// </summary>
public sealed unsafe class RawFileBackend : IBlockBackend
{
    private readonly SafeFileHandle _file;

    private RawFileBackend(SafeFileHandle file, bool readOnly)
    {
        _file = file;
        Length = RandomAccess.GetLength(file);
        SupportsDiscard = !readOnly && Libc.Fallocate(file, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, Length, VirtioBlock.SectorSize) == 0;
    }

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public bool SupportsDiscard { get; }

    /// <summary>Opens an image already checked by <see cref="BlockOptionsParser.CheckImage"/>.</summary>
    public static RawFileBackend Open(string path, bool readOnly) =>
        new(File.OpenHandle(path, FileMode.Open, readOnly ? FileAccess.Read : FileAccess.ReadWrite, FileShare.Read), readOnly);

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(_file, destination, offset);
            if (read == 0)
            {
                throw new IOException($"short read at byte {offset}: the image shrank");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source) => RandomAccess.Write(_file, source, offset);

    /// <inheritdoc />
    public void ReadVector(long offset, Span<IoVector> pieces) => TransferVector(offset, pieces, write: false);

    /// <inheritdoc />
    public void WriteVector(long offset, Span<IoVector> pieces) => TransferVector(offset, pieces, write: true);

    /// <inheritdoc />
    public void Flush()
    {
        if (Libc.Fdatasync(_file) != 0)
        {
            throw Failure("fdatasync");
        }
    }

    /// <inheritdoc />
    public void Discard(long offset, long length)
    {
        if (Libc.Fallocate(_file, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length) != 0)
        {
            throw Failure("fallocate(PUNCH_HOLE)");
        }
    }

    /// <inheritdoc />
    public void WriteZeroes(long offset, long length, bool mayUnmap)
    {
        int mode = mayUnmap ? Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE : Libc.FALLOC_FL_ZERO_RANGE | Libc.FALLOC_FL_KEEP_SIZE;
        if (Libc.Fallocate(_file, mode, offset, length) == 0)
        {
            return;
        }

        // Some file systems punch holes but cannot zero ranges; a hole reads as zeros too.
        if (Errno.Last == Libc.EOPNOTSUPP && !mayUnmap
            && Libc.Fallocate(_file, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length) == 0)
        {
            return;
        }

        throw Failure("fallocate(zero range)");
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    /// <summary>preadv/pwritev until every piece is done, resuming after a short transfer.</summary>
    private void TransferVector(long offset, Span<IoVector> pieces, bool write)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pieces.Length, Libc.IOV_MAX);
        while (true)
        {
            while (!pieces.IsEmpty && pieces[0].Length == 0)
            {
                pieces = pieces[1..];
            }

            if (pieces.IsEmpty)
            {
                return;
            }

            nint done;
            fixed (IoVector* vectors = pieces)
            {
                // SAFETY: vectors covers pieces.Length iovecs, pinned for the call; the caller
                // guarantees each iovec's range stays valid and unmoved until the call returns.
                done = write ? Libc.Pwritev(_file, vectors, pieces.Length, offset) : Libc.Preadv(_file, vectors, pieces.Length, offset);
            }

            if (done < 0)
            {
                if (Errno.Last == Errno.EINTR)
                {
                    continue;
                }

                throw Failure(write ? "pwritev" : "preadv");
            }

            if (done == 0)
            {
                throw new IOException($"short {(write ? "write" : "read")} at byte {offset}: the image shrank");
            }

            offset += done;
            for (nuint left = (nuint)done; left > 0;)
            {
                if (left >= pieces[0].Length)
                {
                    left -= pieces[0].Length;
                    pieces = pieces[1..];
                }
                else
                {
                    pieces[0].Base = (byte*)pieces[0].Base + left;
                    pieces[0].Length -= left;
                    left = 0;
                }
            }
        }
    }

    private static IOException Failure(string call)
    {
        int errno = Errno.Last;
        return new IOException($"{call}: {Errno.Describe(errno)}", errno);
    }
}
