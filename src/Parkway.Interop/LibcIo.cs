using System.Runtime.InteropServices;

namespace Parkway.Interop;

/// <summary>
/// The libc calls the virtio devices need: eventfds and poll(2) for their worker threads,
/// getrandom(2) for virtio-rng, fdatasync(2) / fallocate(2) for virtio-blk, and the tap ioctls.
/// </summary>
public static unsafe partial class Libc
{
    /// <summary>eventfd(2) flags: EFD_CLOEXEC (= O_CLOEXEC) and EFD_NONBLOCK (= O_NONBLOCK), equal on x86_64 and arm64.</summary>
    public const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

    /// <summary>poll(2) event bits.</summary>
    public const short POLLIN = 0x1, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;

    /// <summary>fallocate(2) modes (linux/falloc.h).</summary>
    public const int FALLOC_FL_KEEP_SIZE = 0x01, FALLOC_FL_PUNCH_HOLE = 0x02, FALLOC_FL_ZERO_RANGE = 0x10;

    /// <summary>errno when a file system does not implement an fallocate mode.</summary>
    public const int EOPNOTSUPP = 95;

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(SafeFdHandle fd, void* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(SafeFdHandle fd, void* buffer, nuint count);

    /// <summary>writev(2): one frame to a tap gathered straight from guest memory (no bounce copy).</summary>
    [LibraryImport(Library, EntryPoint = "writev", SetLastError = true)]
    public static partial nint Writev(SafeFdHandle fd, IoVector* vectors, int count);

    /// <summary>readv(2): one frame from a tap scattered straight into the guest's receive buffers.</summary>
    [LibraryImport(Library, EntryPoint = "readv", SetLastError = true)]
    public static partial nint Readv(SafeFdHandle fd, IoVector* vectors, int count);

    /// <summary>preadv(2): a disk request's data read straight into its guest buffers in one call.</summary>
    [LibraryImport(Library, EntryPoint = "preadv", SetLastError = true)]
    public static partial nint Preadv(Microsoft.Win32.SafeHandles.SafeFileHandle fd, IoVector* vectors, int count, long offset);

    /// <summary>pwritev(2): a disk request's data written straight from its guest buffers in one call.</summary>
    [LibraryImport(Library, EntryPoint = "pwritev", SetLastError = true)]
    public static partial nint Pwritev(Microsoft.Win32.SafeHandles.SafeFileHandle fd, IoVector* vectors, int count, long offset);

    /// <summary>IOV_MAX: the most iovecs one writev(2) takes (UIO_MAXIOV in sys/uio.h; the same on every Linux architecture).</summary>
    public const int IOV_MAX = 1024;

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "getrandom", SetLastError = true)]
    public static partial nint GetRandom(void* buffer, nuint length, uint flags);

    [LibraryImport(Library, EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int Fdatasync(Microsoft.Win32.SafeHandles.SafeFileHandle fd);

    [LibraryImport(Library, EntryPoint = "fallocate", SetLastError = true)]
    public static partial int Fallocate(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int mode, long offset, long length);

    /// <summary>socket(2) constants (equal on x86_64 and arm64).</summary>
    public const int AF_UNIX = 1, SOCK_SEQPACKET = 5, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;

    /// <summary>open(2) O_NONBLOCK (equal on x86_64 and arm64).</summary>
    public const int O_NONBLOCK = 0x800;

    /// <summary>socketpair(2): tests stand a frame-preserving SOCK_SEQPACKET pair in for a tap.</summary>
    [LibraryImport(Library, EntryPoint = "socketpair", SetLastError = true)]
    public static partial int SocketPair(int domain, int type, int protocol, int* fds);

    /// <summary>ioctl(2) with a pointer argument (TUNSETIFF's struct ifreq, TUNSETOFFLOAD's value).</summary>
    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(SafeFdHandle fd, nuint request, void* argument);
}

/// <summary>struct iovec (sys/uio.h): a base pointer and a length, 16 bytes on every 64-bit Linux.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct IoVector
{
    /// <summary>iov_base.</summary>
    public void* Base;

    /// <summary>iov_len.</summary>
    public nuint Length;
}

/// <summary>struct pollfd: the same 8-byte layout on every Linux architecture (unlike epoll_event).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct PollFd
{
    /// <summary>The descriptor to watch.</summary>
    public int Fd;
    /// <summary>Requested events (POLLIN ...).</summary>
    public short Events;
    /// <summary>Returned events.</summary>
    public short ReturnedEvents;
}
