using System.Runtime.InteropServices;

namespace Parkway.Interop;

/// <summary>
/// struct kvm_ioeventfd (64 bytes): asks KVM to signal <see cref="Fd"/> when the guest stores to
/// [<see cref="Address"/>, +<see cref="Length"/>) instead of exiting to userspace. With
/// <see cref="KvmIoeventfdFlags.DataMatch"/> only a store of <see cref="DataMatch"/> signals (virtio-mmio
/// uses that to give each queue of one QueueNotify register its own eventfd).
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
public struct KvmIoeventfd
{
    /// <summary>The value a store must carry to signal (with DataMatch).</summary>
    public ulong DataMatch;
    /// <summary>Guest physical address of the watched register.</summary>
    public ulong Address;
    /// <summary>Access width in bytes (1, 2, 4 or 8; 0 matches any width).</summary>
    public uint Length;
    /// <summary>The eventfd to signal.</summary>
    public int Fd;
    /// <summary><see cref="KvmIoeventfdFlags"/>.</summary>
    public uint Flags;
}

/// <summary>KVM_IOEVENTFD_FLAG_* (include/uapi/linux/kvm.h).</summary>
[Flags]
public enum KvmIoeventfdFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>KVM_IOEVENTFD_FLAG_DATAMATCH: signal only for stores of DataMatch.</summary>
    DataMatch = 1 << 0,
    /// <summary>KVM_IOEVENTFD_FLAG_PIO: an x86 I/O port rather than MMIO.</summary>
    Pio = 1 << 1,
    /// <summary>KVM_IOEVENTFD_FLAG_DEASSIGN: remove the registration.</summary>
    Deassign = 1 << 2,
}

/// <summary>
/// struct kvm_irqfd (32 bytes): writing to <see cref="Fd"/> injects interrupt <see cref="Gsi"/>.
/// On arm64 with an in-kernel vGIC the default routing maps GSI n to SPI n (interrupt id 32 + n).
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 32)]
public struct KvmIrqfd
{
    /// <summary>The eventfd that triggers the interrupt.</summary>
    public uint Fd;
    /// <summary>Global system interrupt number.</summary>
    public uint Gsi;
    /// <summary><see cref="KvmIrqfdFlags"/>.</summary>
    public uint Flags;
    /// <summary>Eventfd KVM signals when a level interrupt is acknowledged (with Resample).</summary>
    public uint ResampleFd;
}

/// <summary>KVM_IRQFD_FLAG_* (include/uapi/linux/kvm.h).</summary>
[Flags]
public enum KvmIrqfdFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>KVM_IRQFD_FLAG_DEASSIGN: remove the registration.</summary>
    Deassign = 1 << 0,
    /// <summary>KVM_IRQFD_FLAG_RESAMPLE: level-triggered with a resample eventfd.</summary>
    Resample = 1 << 1,
}
