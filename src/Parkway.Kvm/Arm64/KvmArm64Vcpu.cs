using Parkway.Interop;

namespace Parkway.Kvm.Arm64;

/// <summary>The vCPU ioctls that exist only on arm64.</summary>
public static class KvmArm64Vcpu
{
    /// <summary>KVM_ARM_VCPU_INIT: initialises (or resets) the vCPU with a target and features.</summary>
    public static void ArmInit(this KvmVcpu vcpu, in KvmVcpuInit init)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        var copy = init;
        KvmIoctl.Invoke(vcpu.Handle, KvmIoctls.ArmVcpuInit, ref copy, "KVM_ARM_VCPU_INIT");
    }
}
