using System.Runtime.InteropServices;

namespace Parkway.Interop;

/// <summary>struct kvm_userspace_memory_region (32 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KvmUserspaceMemoryRegion
{
    /// <summary>Memory slot number.</summary>
    public uint Slot;
    /// <summary>KVM_MEM_* flags.</summary>
    public uint Flags;
    /// <summary>Guest physical start.</summary>
    public ulong GuestPhysAddr;
    /// <summary>Size in bytes.</summary>
    public ulong MemorySize;
    /// <summary>Host virtual address of the backing memory.</summary>
    public ulong UserspaceAddr;
}

/// <summary>struct kvm_vcpu_init (arm64, 32 bytes): the target CPU type and feature bitmap.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct KvmVcpuInit
{
    /// <summary>KVM_ARM_TARGET_* from KVM_ARM_PREFERRED_TARGET.</summary>
    public uint Target;
    /// <summary>Feature bits (KVM_ARM_VCPU_*), 7 words.</summary>
    public fixed uint Features[7];
}

/// <summary>struct kvm_one_reg (16 bytes): register id and the address of the value.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KvmOneReg
{
    /// <summary>Register id (KVM_REG_ARM64 | size | class | index).</summary>
    public ulong Id;
    /// <summary>Address of the userspace buffer holding the value.</summary>
    public ulong Address;
}

/// <summary>struct kvm_device_attr (24 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KvmDeviceAttr
{
    /// <summary>Flags (unused, 0).</summary>
    public uint Flags;
    /// <summary>Attribute group.</summary>
    public uint Group;
    /// <summary>Attribute within the group.</summary>
    public ulong Attribute;
    /// <summary>Address of the userspace value.</summary>
    public ulong Address;
}

/// <summary>struct kvm_create_device (12 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KvmCreateDevice
{
    /// <summary>KVM_DEV_TYPE_*.</summary>
    public uint Type;
    /// <summary>Out: the new device fd.</summary>
    public uint Fd;
    /// <summary>KVM_CREATE_DEVICE_TEST probes support without creating.</summary>
    public uint Flags;
}

/// <summary>struct kvm_irq_level (8 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KvmIrqLevel
{
    /// <summary>arm64: type[27:24] | vcpu[23:16] | number[15:0].</summary>
    public uint Irq;
    /// <summary>1 = asserted.</summary>
    public uint Level;
}

/// <summary>struct kvm_smccc_filter (24 bytes): a range of SMCCC function ids and what KVM does with them.</summary>
[StructLayout(LayoutKind.Sequential, Size = 24)]
public struct KvmSmcccFilter
{
    /// <summary>First function id.</summary>
    public uint Base;
    /// <summary>Number of function ids in the range.</summary>
    public uint FunctionCount;
    /// <summary>KVM_SMCCC_FILTER_{HANDLE,DENY,FWD_TO_USER} = 0, 1, 2.</summary>
    public byte Action;
}

/// <summary>struct kvm_enable_cap (104 bytes): a capability to enable and its arguments.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct KvmEnableCap
{
    /// <summary>KVM_CAP_* number.</summary>
    public uint Cap;
    /// <summary>Must be 0.</summary>
    public uint Flags;
    /// <summary>Capability-specific arguments.</summary>
    public fixed ulong Args[4];
    /// <summary>Reserved.</summary>
    public fixed byte Pad[64];
}

/// <summary>struct kvm_vcpu_events (arm64, 64 bytes): exceptions userspace makes pending on a vCPU.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct KvmVcpuEvents
{
    /// <summary>An SError is pending.</summary>
    public byte SerrorPending;
    /// <summary><see cref="SerrorEsr"/> is valid.</summary>
    public byte SerrorHasEsr;
    /// <summary>An external data abort is pending (needs KVM_CAP_ARM_INJECT_EXT_DABT).</summary>
    public byte ExtDabtPending;
    /// <summary>Aligns the next field to 8 bytes.</summary>
    public fixed byte Pad[5];
    /// <summary>The SError's syndrome.</summary>
    public ulong SerrorEsr;
    /// <summary>Reserved.</summary>
    public fixed uint Reserved[12];
}
