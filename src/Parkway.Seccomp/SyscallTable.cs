using System.Runtime.InteropServices;

namespace Parkway.Seccomp;

/// <summary>One architecture's syscall numbers and the audit architecture its filter must check.</summary>
/// <param name="Architecture">The kernel's name for it (aarch64, x86_64).</param>
/// <param name="AuditArch">The value seccomp_data.arch carries for a native call.</param>
/// <param name="Numbers">Syscall name to number; names the architecture lacks are absent.</param>
public sealed record SyscallTable(string Architecture, uint AuditArch, IReadOnlyDictionary<string, int> Numbers)
{
    /// <summary>The table of the architecture this process runs on.</summary>
    public static SyscallTable Current => RuntimeInformation.ProcessArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => Arm64.Arm64SyscallTable.Table,
        System.Runtime.InteropServices.Architecture.X64 => X64.X64SyscallTable.Table,
        var other => throw new PlatformNotSupportedException($"seccomp filters are built for arm64 and x86_64, not {other}"),
    };

    /// <summary>x86_64 shares its audit architecture with x32, whose calls must be refused by number.</summary>
    public bool RefusesX32 => AuditArch == SeccompAbi.AuditArchX86_64;

    /// <summary>Whether the architecture has the call at all (aarch64 has no open, poll, epoll_wait, ...).</summary>
    public bool Has(string name) => Numbers.ContainsKey(name);
}
