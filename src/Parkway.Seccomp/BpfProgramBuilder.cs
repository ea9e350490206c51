using static Parkway.Seccomp.SeccompAbi;

namespace Parkway.Seccomp;

/// <summary>
/// Turns an allow-list into a classic BPF seccomp program for one architecture. The program is a
/// straight line with short forward jumps only (each jump skips at most one rule's block):
/// <code>
///   ld  arch;  jeq AUDIT_ARCH ? next : default      wrong architecture (a 32-bit call) is refused
///   ld  nr;   [jge X32_BIT ? default : next]         x86_64 only: x32 calls share the audit arch
///   per rule:  jeq NR ? block : next rule
///              Always:           ret ALLOW
///              Fails(e):         ret ERRNO|e
///              ArgumentIn(i,v):  ld arg[i] (low 32 bits); jeq v1 ? ret ALLOW ...; ret default
///              ArgumentHasBits:  ld arg[i]; jset bits ? ret ALLOW : ret default
///   ret default
/// </code>
/// A rule whose syscall the architecture lacks is left out (aarch64 has no poll or epoll_wait).
/// </summary>
public static class BpfProgramBuilder
{
    /// <summary>The program for <paramref name="list"/> on <paramref name="table"/>'s architecture; calls it does not allow get <paramref name="defaultAction"/>.</summary>
    public static SockFilter[] Build(SyscallTable table, SyscallAllowList list, uint defaultAction)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(list);
        var program = new List<SockFilter>
        {
            Load(DataArchOffset),
            JumpIfEqual(table.AuditArch, ifTrue: 1, ifFalse: 0),
            Return(defaultAction),
            Load(DataNrOffset),
        };
        if (table.RefusesX32)
        {
            program.Add(new SockFilter(BpfJmp | BpfJge | BpfK, 0, 1, X32SyscallBit));
            program.Add(Return(defaultAction));
        }

        foreach (SyscallRule rule in list.Rules)
        {
            if (!table.Numbers.TryGetValue(rule.Name, out int number))
            {
                continue;
            }

            List<SockFilter> block = Block(rule, defaultAction);
            program.Add(JumpIfEqual((uint)number, ifTrue: 0, ifFalse: checked((byte)block.Count)));
            program.AddRange(block);
        }

        program.Add(Return(defaultAction));
        if (program.Count > MaxInstructions)
        {
            throw new InvalidOperationException($"the {list.Name} filter needs {program.Count} instructions, more than the kernel's {MaxInstructions}");
        }

        return [.. program];
    }

    private static List<SockFilter> Block(SyscallRule rule, uint defaultAction)
    {
        switch (rule)
        {
            case SyscallRule.Always:
                return [Return(RetAllow)];
            case SyscallRule.Fails fails:
                return [Return(RetErrno | fails.Errno)];
            case SyscallRule.ArgumentIn argument:
                var block = new List<SockFilter> { Load(ArgumentLowOffset(argument.Index)) };
                foreach (uint value in argument.Values)
                {
                    block.Add(JumpIfEqual(value, ifTrue: 0, ifFalse: 1));
                    block.Add(Return(RetAllow));
                }

                block.Add(Return(defaultAction));
                return block;
            case SyscallRule.ArgumentHasBits bits:
                return
                [
                    Load(ArgumentLowOffset(bits.Index)),
                    new SockFilter(BpfJmp | BpfJset | BpfK, 0, 1, bits.Bits),
                    Return(RetAllow),
                    Return(defaultAction),
                ];
            default:
                throw new ArgumentException($"unknown rule {rule}", nameof(rule));
        }
    }

    // Both architectures are little-endian: an argument's low 32 bits come first.
    private static uint ArgumentLowOffset(int index) => index is >= 0 and < 6
        ? DataArgsOffset + (uint)(8 * index)
        : throw new ArgumentOutOfRangeException(nameof(index), index, "a syscall has arguments 0 to 5");

    private static SockFilter Load(uint offset) => new(BpfLd | BpfW | BpfAbs, 0, 0, offset);

    private static SockFilter JumpIfEqual(uint value, byte ifTrue, byte ifFalse) => new(BpfJmp | BpfJeq | BpfK, ifTrue, ifFalse, value);

    private static SockFilter Return(uint action) => new(BpfRet | BpfK, 0, 0, action);
}
