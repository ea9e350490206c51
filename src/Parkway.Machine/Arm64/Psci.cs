namespace Parkway.Machine.Arm64;

/// <summary>PSCI function ids and return codes (Arm DEN 0022, §5).</summary>
public static class Psci
{
    /// <summary>CPU_OFF (32-bit only).</summary>
    public const uint CpuOff = 0x8400_0002;
    /// <summary>CPU_ON, SMC32 calling convention.</summary>
    public const uint CpuOn32 = 0x8400_0003;
    /// <summary>CPU_ON, SMC64 calling convention (what arm64 Linux uses).</summary>
    public const uint CpuOn64 = 0xC400_0003;

    /// <summary>SUCCESS.</summary>
    public const long Success = 0;
    /// <summary>NOT_SUPPORTED.</summary>
    public const long NotSupported = -1;
    /// <summary>INVALID_PARAMETERS.</summary>
    public const long InvalidParameters = -2;
    /// <summary>DENIED: the firmware's policy (here: the CPU is not plugged).</summary>
    public const long Denied = -3;
    /// <summary>ALREADY_ON.</summary>
    public const long AlreadyOn = -4;

    /// <summary>The MPIDR bits that identify a CPU (Aff3 and Aff2..Aff0).</summary>
    public const ulong MpidrAffinityMask = 0xFF_00FF_FFFF;
}
