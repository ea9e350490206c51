using Parkway.Interop;

namespace Parkway.Kvm.Arm64;

/// <summary>
/// The vCPU "device" attributes (KVM_SET/GET/HAS_DEVICE_ATTR on a vCPU descriptor,
/// Documentation/virt/kvm/devices/vcpu.rst) arm64 uses: the PMUv3 and stolen-time controls.
/// </summary>
public static class KvmArm64VcpuAttributes
{
    /// <summary>KVM_SET_DEVICE_ATTR on the vCPU with a payload.</summary>
    public static void SetAttribute<T>(this KvmVcpu vcpu, uint group, ulong attribute, ref T value, string name)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        KvmDevice.SetAttribute(vcpu.Handle, group, attribute, ref value, name);
    }

    /// <summary>KVM_SET_DEVICE_ATTR on the vCPU for an attribute without payload (e.g. PMU INIT).</summary>
    public static void SetAttribute(this KvmVcpu vcpu, uint group, ulong attribute, string name)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        var request = new KvmDeviceAttr { Group = group, Attribute = attribute };
        KvmIoctl.Invoke(vcpu.Handle, KvmIoctls.SetDeviceAttr, ref request, name);
    }

    /// <summary>KVM_GET_DEVICE_ATTR on the vCPU into an unmanaged value.</summary>
    public static unsafe T GetAttribute<T>(this KvmVcpu vcpu, uint group, ulong attribute, string name)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        T value = default;
        // SAFETY: value is a local on this frame; its address stays valid for the synchronous ioctl.
        var request = new KvmDeviceAttr { Group = group, Attribute = attribute, Address = (ulong)&value };
        KvmIoctl.Invoke(vcpu.Handle, KvmIoctls.GetDeviceAttr, ref request, name);
        return value;
    }

    /// <summary>KVM_HAS_DEVICE_ATTR on the vCPU (false only for the kernel's "not supported" answers).</summary>
    public static bool HasAttribute(this KvmVcpu vcpu, uint group, ulong attribute)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        return KvmDevice.HasAttribute(vcpu.Handle, group, attribute);
    }
}
