using System.Runtime.InteropServices;

namespace Parkway.Seccomp;

/// <summary>
/// The numbers Parkway shares with the kernel's seccomp and classic-BPF ABI (linux/seccomp.h,
/// linux/filter.h, linux/bpf_common.h, linux/audit.h, linux/prctl.h); SeccompAbiTests compares each
/// with the uapi headers through the cross compiler.
/// </summary>
public static class SeccompAbi
{
    /// <summary>seccomp(2) operation: install a filter.</summary>
    public const uint SetModeFilter = 1;
    /// <summary>seccomp(2) flag: install the filter on every thread of the process.</summary>
    public const uint FilterFlagTsync = 1;

    /// <summary>Filter results (the high 16 bits pick the action, the low 16 carry data such as an errno).</summary>
    public const uint RetKillProcess = 0x80000000;
    /// <summary>Kill only the calling thread.</summary>
    public const uint RetKillThread = 0x00000000;
    /// <summary>Fail the call with the errno in the low 16 bits.</summary>
    public const uint RetErrno = 0x00050000;
    /// <summary>Allow the call and write an audit record.</summary>
    public const uint RetLog = 0x7ffc0000;
    /// <summary>Allow the call.</summary>
    public const uint RetAllow = 0x7fff0000;

    /// <summary>prctl(2): no execve may ever gain privileges; needed to install a filter without CAP_SYS_ADMIN.</summary>
    public const int PrSetNoNewPrivs = 38;

    /// <summary>struct seccomp_data offsets: the syscall number, its audit architecture, its arguments.</summary>
    public const uint DataNrOffset = 0, DataArchOffset = 4, DataArgsOffset = 16;

    /// <summary>Audit architectures (EM_* | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE).</summary>
    public const uint AuditArchAarch64 = 0xC00000B7, AuditArchX86_64 = 0xC000003E;

    /// <summary>On x86_64 a syscall number with this bit set is an x32 call, which shares the audit architecture.</summary>
    public const uint X32SyscallBit = 0x40000000;

    /// <summary>Classic BPF opcode parts (linux/bpf_common.h).</summary>
    public const ushort BpfLd = 0x00, BpfJmp = 0x05, BpfRet = 0x06, BpfW = 0x00, BpfAbs = 0x20,
        BpfJeq = 0x10, BpfJge = 0x30, BpfJset = 0x40, BpfK = 0x00;

    /// <summary>The most instructions a classic BPF program may have (BPF_MAXINSNS).</summary>
    public const int MaxInstructions = 4096;

    /// <summary>clone(2) flag that makes the child a thread of the caller's process.</summary>
    public const uint CloneThread = 0x00010000;
}

/// <summary>struct sock_filter: one classic BPF instruction.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SockFilter(ushort Code, byte JumpIfTrue, byte JumpIfFalse, uint K);

/// <summary>struct sock_fprog: the program handed to seccomp(2).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockFprog
{
    public ushort Length;
    public SockFilter* Filter;
}
