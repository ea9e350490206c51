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

    /// <summary>
    /// When the host can (KVM_CAP_ARM_NISV_TO_USER and KVM_CAP_ARM_INJECT_EXT_DABT), makes data
    /// aborts without a valid syndrome exit to userspace instead of failing KVM_RUN. Returns
    /// whether it did.
    /// </summary>
    public static bool EnableNisvExits(this KvmVm vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        if (vm.CheckExtension(KvmCapability.ArmNisvToUser) <= 0 || vm.CheckExtension(KvmCapability.ArmInjectExtDabt) <= 0)
        {
            return false;
        }

        var request = new KvmEnableCap { Cap = KvmCapability.ArmNisvToUser };
        KvmIoctl.Invoke(vm.Handle, KvmIoctls.EnableCap, ref request, "KVM_ENABLE_CAP");
        return true;
    }
}
