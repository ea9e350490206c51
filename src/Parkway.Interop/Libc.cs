using System.Runtime.InteropServices;

namespace Parkway.Interop;

/// <summary>
/// The libc entry points Parkway needs, with their C names kept in the EntryPoint. Every call
/// records errno (SetLastError) so <see cref="Errno"/> can turn failures into typed exceptions.
/// </summary>
public static unsafe partial class Libc
{
    private const string Library = "libc";

    /// <summary>open(2) flags.</summary>
    public const int O_RDWR = 2;
    /// <summary>Close the descriptor on exec: child processes never inherit KVM fds.</summary>
    public const int O_CLOEXEC = 0x80000;

    /// <summary>mmap(2) protection and flags.</summary>
    public const int PROT_READ = 1, PROT_WRITE = 2;
    /// <summary>mmap(2) mapping flags.</summary>
    public const int MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;

    /// <summary>pthread_sigmask(3) "how" values.</summary>
    public const int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

    /// <summary>madvise(2): back the range with transparent huge pages.</summary>
    public const int MADV_HUGEPAGE = 14;

    /// <summary>madvise(2) advice: never back this range with transparent huge pages.</summary>
    public const int MADV_NOHUGEPAGE = 15;

    /// <summary>madvise(2): drop the range's pages; private anonymous memory reads as zeros afterwards.</summary>
    public const int MADV_DONTNEED = 4;

    /// <summary>prctl(2) option that names the calling thread (what /proc/self/task/*/comm shows).</summary>
    public const int PR_SET_NAME = 15;

    /// <summary>The failure value of mmap(2).</summary>
    public static readonly nint MapFailed = -1;

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(SafeFdHandle fd, nuint request, nint argument);

    /// <summary>
    /// ioctl(2) on a bare descriptor number: no SafeHandle reference count taken and dropped around
    /// the call. Only for a caller that guarantees the descriptor outlives the call (KVM_RUN, whose
    /// vCPU is never closed while a thread runs it).
    /// </summary>
    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, nint argument);

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, SafeFdHandle fd, long offset);

    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport(Library, EntryPoint = "madvise", SetLastError = true)]
    public static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport(Library, EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, byte* argument2, nuint argument3, nuint argument4, nuint argument5);

    [LibraryImport(Library, EntryPoint = "gettid")]
    public static partial int GetTid();

    [LibraryImport(Library, EntryPoint = "getpid")]
    public static partial int GetPid();

    [LibraryImport(Library, EntryPoint = "tgkill", SetLastError = true)]
    public static partial int Tgkill(int threadGroupId, int threadId, int signal);

    [LibraryImport(Library, EntryPoint = "pthread_sigmask")]
    public static partial int PthreadSigmask(int how, SigSet* set, SigSet* oldSet);

    [LibraryImport(Library, EntryPoint = "sigtimedwait", SetLastError = true)]
    public static partial int Sigtimedwait(SigSet* set, nint info, Timespec* timeout);


}

/// <summary>glibc's sigset_t (1024 bits). The kernel only reads the first 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Size = 128)]
public struct SigSet
{
    /// <summary>The kernel's view of the set: the first 64 signal bits.</summary>
    public ulong KernelBits;
}

/// <summary>struct timespec on 64-bit Linux.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Timespec
{
    /// <summary>Seconds.</summary>
    public long Seconds;
    /// <summary>Nanoseconds.</summary>
    public long Nanoseconds;
}
