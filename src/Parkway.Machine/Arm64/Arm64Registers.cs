namespace Parkway.Machine.Arm64;

/// <summary>
/// KVM one-reg ids for the arm64 registers Parkway touches. Core registers are
/// KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (offset in struct kvm_regs / 4);
/// MPIDR_EL1 is the system register op0=3, op1=0, CRn=0, CRm=0, op2=5.
/// </summary>
public static class Arm64Registers
{
    private const ulong CoreBase = 0x6030_0000_0010_0000;

    /// <summary>General purpose register xN (0..30).</summary>
    public static ulong X(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, 30);
        return CoreBase + (ulong)(2 * n);
    }

    /// <summary>The program counter (regs.pc).</summary>
    public const ulong Pc = CoreBase + 0x40;

    /// <summary>PSTATE (regs.pstate).</summary>
    public const ulong Pstate = CoreBase + 0x42;

    /// <summary>MPIDR_EL1: the CPU's affinity (its architecture id).</summary>
    public const ulong MpidrEl1 = 0x6030_0000_0013_C005;

    /// <summary>PSTATE for entering a kernel: EL1h with D, A, I, F masked (booting.rst).</summary>
    public const ulong PstateEl1hAllMasked = 0x3C5;
}
