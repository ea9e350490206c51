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

    /// <summary>
    /// KVM_SET_VCPU_EVENTS with ext_dabt_pending: the guest takes an external data abort at its
    /// next entry, as real hardware reports a bus error (needs KVM_CAP_ARM_INJECT_EXT_DABT).
    /// </summary>
    public static void InjectExternalDataAbort(this KvmVcpu vcpu)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        var events = new KvmVcpuEvents { ExtDabtPending = 1 };
        KvmIoctl.Invoke(vcpu.Handle, KvmIoctls.SetVcpuEvents, ref events, "KVM_SET_VCPU_EVENTS");
    }
}
