namespace Parkway.Machine.Arm64;

/// <summary>
/// The MPIDR_EL1 KVM gives vCPU <c>id</c> at KVM_ARM_VCPU_INIT (arch/arm64/kvm/sys_regs.c
/// reset_mpidr): Aff0 = id[3:0], Aff1 = id[11:4], Aff2 = id[19:12], bit 31 RES1 — 16 CPUs per Aff0
/// group, because GICv3 SGIs target at most 16 CPUs per Aff1 value.
/// A running machine always uses the value read back from KVM; this prediction serves tools that
/// describe a machine without building it (<c>parkway acpi dump</c>) and the check that both agree.
/// </summary>
public static class KvmMpidr
{
    /// <summary>The MPIDR KVM assigns to vCPU <paramref name="vcpuId"/>.</summary>
    public static ulong ForVcpuId(int vcpuId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(vcpuId);
        ulong id = (ulong)vcpuId;
        return 0x8000_0000UL | ((id >> 12 & 0xFF) << 16) | ((id >> 4 & 0xFF) << 8) | (id & 0xF);
    }
}
