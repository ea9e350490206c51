using System.Runtime.InteropServices;

namespace Parkway.Seccomp;

/// <summary>Installs a built program with seccomp(2).</summary>
public static class SeccompFilter
{
    /// <summary>
    /// Installs <paramref name="program"/> on the calling thread, or on every thread of the process
    /// with <paramref name="allThreads"/> (SECCOMP_FILTER_FLAG_TSYNC). Sets no_new_privs first, which
    /// lets an unprivileged process install filters. Throws when the kernel refuses.
    /// </summary>
    public static unsafe void Install(SyscallTable table, ReadOnlySpan<SockFilter> program, bool allThreads)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (SeccompNative.Prctl(SeccompAbi.PrSetNoNewPrivs, 1, 0, 0, 0) != 0)
        {
            throw new InvalidOperationException($"prctl(PR_SET_NO_NEW_PRIVS) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        // SAFETY: the program span is pinned for the call; the kernel copies it before returning.
        fixed (SockFilter* instructions = program)
        {
            var fprog = new SockFprog { Length = checked((ushort)program.Length), Filter = instructions };
            nint result = SeccompNative.Syscall(table.Numbers["seccomp"], SeccompAbi.SetModeFilter,
                allThreads ? SeccompAbi.FilterFlagTsync : 0, &fprog);
            if (result < 0)
            {
                throw new InvalidOperationException($"seccomp(SECCOMP_SET_MODE_FILTER) failed: errno {Marshal.GetLastPInvokeError()}");
            }

            if (result > 0)
            {
                // TSYNC names the thread it could not synchronise (it has a filter of its own).
                throw new InvalidOperationException($"seccomp(SECCOMP_FILTER_FLAG_TSYNC) failed on thread {result}");
            }
        }
    }
}
