using Parkway.Interop;

namespace Parkway.Virtio.Devices.Net;

/// <summary>
/// Frames over a non-blocking descriptor that keeps message boundaries: one readv(2) is one frame,
/// one writev(2) is one frame. A tap fd (<see cref="TapBackend"/>) or, in tests, a SOCK_SEQPACKET
/// socket standing in for one.
/// </summary>
public unsafe class FdFrameBackend : INetBackend
{
    /// <summary>Takes ownership of <paramref name="handle"/>.</summary>
    public FdFrameBackend(SafeFdHandle handle) => Handle = handle ?? throw new ArgumentNullException(nameof(handle));

    /// <inheritdoc />
    public SafeFdHandle Handle { get; }

    /// <inheritdoc />
    public virtual bool SupportsOffloads => false;

    /// <inheritdoc />
    public int ReceiveFrame(Span<byte> buffer)
    {
        fixed (byte* pointer = buffer)
        {
            // SAFETY: pointer covers buffer.Length bytes, pinned until the read below returns.
            return ReceiveFrame([new IoVector { Base = pointer, Length = (nuint)buffer.Length }]);
        }
    }

    /// <inheritdoc />
    public int ReceiveFrame(ReadOnlySpan<IoVector> pieces)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pieces.Length, Libc.IOV_MAX);
        while (true)
        {
            nint read;
            fixed (IoVector* vectors = pieces)
            {
                // SAFETY: vectors covers pieces.Length iovecs, pinned for the call; the caller
                // guarantees each iovec's range stays valid, writable and unmoved until the call returns.
                read = Libc.Readv(Handle, vectors, pieces.Length);
            }

            if (read >= 0)
            {
                return (int)read;
            }

            int errno = Errno.Last;
            if (errno == Errno.EAGAIN)
            {
                return 0;
            }

            if (errno != Errno.EINTR)
            {
                throw new IOException($"readv(frame): {Errno.Describe(errno)}", errno);
            }
        }
    }

    /// <inheritdoc />
    public void SendFrame(ReadOnlySpan<byte> frame)
    {
        fixed (byte* pointer = frame)
        {
            // SAFETY: pointer covers frame.Length bytes, pinned until the write below returns.
            SendFrame([new IoVector { Base = pointer, Length = (nuint)frame.Length }]);
        }
    }

    /// <inheritdoc />
    public void SendFrame(ReadOnlySpan<IoVector> pieces)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pieces.Length, Libc.IOV_MAX);
        while (true)
        {
            nint written;
            fixed (IoVector* vectors = pieces)
            {
                // SAFETY: vectors covers pieces.Length iovecs, pinned for the call; the caller
                // guarantees each iovec's range stays valid and unmoved until the call returns.
                written = Libc.Writev(Handle, vectors, pieces.Length);
            }

            if (written >= 0)
            {
                return;
            }

            int errno = Errno.Last;
            if (errno != Errno.EINTR)
            {
                throw new IOException($"writev(frame): {Errno.Describe(errno)}", errno);
            }
        }
    }

    /// <inheritdoc />
    public virtual void SetOffloads(uint tunFlags)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the descriptor.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Handle.Dispose();
        }
    }
}
