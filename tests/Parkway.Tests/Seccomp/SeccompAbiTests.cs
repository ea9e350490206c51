using System.Runtime.CompilerServices;
using Parkway.Seccomp;
using Parkway.Tests.Interop;

namespace Parkway.Tests.Seccomp;

/// <summary>Every seccomp and classic-BPF number in <see cref="SeccompAbi"/>, and the instruction layout, against the uapi headers.</summary>
public sealed class SeccompAbiTests
{
    private const string Prelude = """
        #include <stddef.h>
        #include <linux/audit.h>
        #include <linux/filter.h>
        #include <linux/prctl.h>
        #include <linux/sched.h>
        #include <linux/seccomp.h>
        """;

    public static TheoryData<string, ulong, string> Constants => new()
    {
        { nameof(SeccompAbi.SetModeFilter), SeccompAbi.SetModeFilter, "SECCOMP_SET_MODE_FILTER" },
        { nameof(SeccompAbi.FilterFlagTsync), SeccompAbi.FilterFlagTsync, "SECCOMP_FILTER_FLAG_TSYNC" },
        { nameof(SeccompAbi.RetKillProcess), SeccompAbi.RetKillProcess, "SECCOMP_RET_KILL_PROCESS" },
        { nameof(SeccompAbi.RetKillThread), SeccompAbi.RetKillThread, "SECCOMP_RET_KILL_THREAD" },
        { nameof(SeccompAbi.RetErrno), SeccompAbi.RetErrno, "SECCOMP_RET_ERRNO" },
        { nameof(SeccompAbi.RetLog), SeccompAbi.RetLog, "SECCOMP_RET_LOG" },
        { nameof(SeccompAbi.RetAllow), SeccompAbi.RetAllow, "SECCOMP_RET_ALLOW" },
        { nameof(SeccompAbi.PrSetNoNewPrivs), SeccompAbi.PrSetNoNewPrivs, "PR_SET_NO_NEW_PRIVS" },
        { nameof(SeccompAbi.DataNrOffset), SeccompAbi.DataNrOffset, "offsetof(struct seccomp_data, nr)" },
        { nameof(SeccompAbi.DataArchOffset), SeccompAbi.DataArchOffset, "offsetof(struct seccomp_data, arch)" },
        { nameof(SeccompAbi.DataArgsOffset), SeccompAbi.DataArgsOffset, "offsetof(struct seccomp_data, args)" },
        { nameof(SeccompAbi.AuditArchAarch64), SeccompAbi.AuditArchAarch64, "AUDIT_ARCH_AARCH64" },
        { nameof(SeccompAbi.AuditArchX86_64), SeccompAbi.AuditArchX86_64, "AUDIT_ARCH_X86_64" },
        { nameof(SeccompAbi.BpfLd), SeccompAbi.BpfLd, "BPF_LD" },
        { nameof(SeccompAbi.BpfJmp), SeccompAbi.BpfJmp, "BPF_JMP" },
        { nameof(SeccompAbi.BpfRet), SeccompAbi.BpfRet, "BPF_RET" },
        { nameof(SeccompAbi.BpfW), SeccompAbi.BpfW, "BPF_W" },
        { nameof(SeccompAbi.BpfAbs), SeccompAbi.BpfAbs, "BPF_ABS" },
        { nameof(SeccompAbi.BpfJeq), SeccompAbi.BpfJeq, "BPF_JEQ" },
        { nameof(SeccompAbi.BpfJge), SeccompAbi.BpfJge, "BPF_JGE" },
        { nameof(SeccompAbi.BpfJset), SeccompAbi.BpfJset, "BPF_JSET" },
        { nameof(SeccompAbi.BpfK), SeccompAbi.BpfK, "BPF_K" },
        { nameof(SeccompAbi.MaxInstructions), SeccompAbi.MaxInstructions, "BPF_MAXINSNS" },
        { nameof(SeccompAbi.CloneThread), SeccompAbi.CloneThread, "CLONE_THREAD" },
    };

    [Theory]
    [MemberData(nameof(Constants))]
    public void Constant_matches_the_uapi_headers(string name, ulong value, string expression)
    {
        ulong expected = CrossCompiledConstants.Evaluate(Prelude, [expression])[0];
        Assert.True(expected == value, $"{name} = {value:#x}, but {expression} = {expected:#x}");
    }

    [Fact]
    public void Instruction_and_program_layouts_match_struct_sock_filter_and_sock_fprog()
    {
        ulong[] c = CrossCompiledConstants.Evaluate(Prelude,
        [
            "sizeof(struct sock_filter)", "offsetof(struct sock_filter, code)", "offsetof(struct sock_filter, jt)",
            "offsetof(struct sock_filter, jf)", "offsetof(struct sock_filter, k)",
            "sizeof(struct sock_fprog)", "offsetof(struct sock_fprog, filter)",
        ]);
        var probe = new SockFilter(0x1122, 0x33, 0x44, 0x55667788);
        byte[] bytes = new byte[Unsafe.SizeOf<SockFilter>()];
        Unsafe.WriteUnaligned(ref bytes[0], probe);

        Assert.Equal(c[0], (ulong)bytes.Length);
        Assert.Equal(0x1122, BitConverter.ToUInt16(bytes, (int)c[1]));
        Assert.Equal(0x33, bytes[(int)c[2]]);
        Assert.Equal(0x44, bytes[(int)c[3]]);
        Assert.Equal(0x55667788u, BitConverter.ToUInt32(bytes, (int)c[4]));
        Assert.Equal(c[5], (ulong)Unsafe.SizeOf<SockFprog>());
        Assert.Equal(c[6], (ulong)System.Runtime.InteropServices.Marshal.OffsetOf<SockFprog>(nameof(SockFprog.Filter)));
    }
}
