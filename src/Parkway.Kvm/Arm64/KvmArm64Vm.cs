using Parkway.Interop;

namespace Parkway.Kvm.Arm64;

/// <summary>The VM ioctls that exist only on arm64.</summary>
public static class KvmArm64Vm
{
    /// <summary>KVM_ARM_PREFERRED_TARGET: the vCPU target the host recommends.</summary>
    public static KvmVcpuInit ArmPreferredTarget(this KvmVm vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var init = default(KvmVcpuInit);
        KvmIoctl.Invoke(vm.Handle, KvmIoctls.ArmPreferredTarget, ref init, "KVM_ARM_PREFERRED_TARGET");
        return init;
    }
}
