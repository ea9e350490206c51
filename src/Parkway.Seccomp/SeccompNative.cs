using System.Runtime.InteropServices;

namespace Parkway.Seccomp;

/// <summary>The two libc calls that install a filter: prctl(2) and syscall(2) (glibc has no seccomp wrapper).</summary>
internal static unsafe partial class SeccompNative
{
    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);

    // syscall(2) is variadic in C; on the two 64-bit ABIs Parkway runs on, integer arguments of a
    // variadic call travel in the same registers as fixed ones, and glibc's syscall() is an assembly
    // stub that reads them from there.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial nint Syscall(nint number, nuint argument1, nuint argument2, void* argument3);
}
