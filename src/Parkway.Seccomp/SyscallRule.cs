namespace Parkway.Seccomp;

/// <summary>What a filter does with one syscall.</summary>
public abstract record SyscallRule(string Name)
{
    /// <summary>The call is allowed whatever its arguments.</summary>
    public sealed record Always(string Name) : SyscallRule(Name);

    /// <summary>
    /// The call is allowed when the low 32 bits of argument <paramref name="Index"/> are one of
    /// <paramref name="Values"/> (ioctl request numbers, prctl options: both are 32-bit in the kernel).
    /// </summary>
    public sealed record ArgumentIn(string Name, int Index, IReadOnlyList<uint> Values) : SyscallRule(Name);

    /// <summary>The call is allowed when argument <paramref name="Index"/> has every bit of <paramref name="Bits"/> set (clone with CLONE_THREAD).</summary>
    public sealed record ArgumentHasBits(string Name, int Index, uint Bits) : SyscallRule(Name);

    /// <summary>The call fails with <paramref name="Errno"/> instead of running (clone3: ENOSYS makes glibc fall back to clone, whose flags can be checked).</summary>
    public sealed record Fails(string Name, ushort Errno) : SyscallRule(Name);
}
