namespace Parkway.Interop;

/// <summary>arm64 KVM capabilities (include/uapi/linux/kvm.h) and vCPU attribute ids (arch/arm64/include/uapi/asm/kvm.h).</summary>
public static class KvmArm64Capabilities
{
    /// <summary>KVM_CAP_ARM_PMU_V3: vCPUs may have a virtual PMUv3.</summary>
    public const int ArmPmuV3 = 126;
    /// <summary>KVM_CAP_STEAL_TIME: paravirtual stolen-time reporting (arm64: PV_TIME_ST).</summary>
    public const int StealTime = 187;

    /// <summary>KVM_ARM_VCPU_PMU_V3: the vCPU feature bit (features[0]).</summary>
    public const int FeaturePmuV3 = 3;
    /// <summary>KVM_ARM_VCPU_PMU_V3_CTRL attribute group.</summary>
    public const uint PmuV3Ctrl = 0;
    /// <summary>KVM_ARM_VCPU_PMU_V3_IRQ: the overflow interrupt (int).</summary>
    public const ulong PmuV3Irq = 0;
    /// <summary>KVM_ARM_VCPU_PMU_V3_INIT: initialise the PMU (after the vGIC).</summary>
    public const ulong PmuV3Init = 1;
    /// <summary>KVM_ARM_VCPU_PVTIME_CTRL attribute group.</summary>
    public const uint PvtimeCtrl = 2;
    /// <summary>KVM_ARM_VCPU_PVTIME_IPA: the vCPU's 64-byte stolen-time structure (u64 guest address).</summary>
    public const ulong PvtimeIpa = 0;
}
