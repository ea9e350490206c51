using Parkway.Interop;

namespace Parkway.Kvm;

/// <summary>
/// Owns a VM descriptor: memory slots, vCPU and device creation, interrupt lines and VM-scoped
/// device attributes. No policy lives here; arm64-only VM ioctls are in Arm64/.
/// </summary>
public sealed class KvmVm : IDisposable
{
    private readonly SafeFdHandle _fd;
    private readonly int _vcpuMmapSize;

    internal KvmVm(SafeFdHandle fd, int vcpuMmapSize)
    {
        _fd = fd;
        _vcpuMmapSize = vcpuMmapSize;
    }

    /// <summary>The VM descriptor, for the architecture-specific ioctls in this assembly (Arm64/).</summary>
    internal SafeFdHandle Handle => _fd;

    /// <summary>KVM_SET_USER_MEMORY_REGION: maps host memory at a guest physical range.</summary>
    public void SetUserMemoryRegion(uint slot, ulong guestPhysicalAddress, ulong size, nint hostAddress)
    {
        var region = new KvmUserspaceMemoryRegion
        {
            Slot = slot,
            GuestPhysAddr = guestPhysicalAddress,
            MemorySize = size,
            UserspaceAddr = (ulong)hostAddress,
        };
        KvmIoctl.Invoke(_fd, KvmIoctls.SetUserMemoryRegion, ref region, "KVM_SET_USER_MEMORY_REGION");
    }

    /// <summary>
    /// KVM_CREATE_VCPU and the mapping of its kvm_run page. On arm64 this fails with EBUSY once the
    /// vGIC is initialised: every possible vCPU must be created first.
    /// </summary>
    public KvmVcpu CreateVcpu(int id)
    {
        int fd = KvmIoctl.Invoke(_fd, KvmIoctls.CreateVcpu, id, "KVM_CREATE_VCPU");
        var handle = new SafeFdHandle(fd);
        try
        {
            return new KvmVcpu(id, handle, _vcpuMmapSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>KVM_CREATE_DEVICE; with <paramref name="testOnly"/> only probes support (returns null).</summary>
    public KvmDevice? CreateDevice(uint type, bool testOnly = false)
    {
        var request = new KvmCreateDevice { Type = type, Flags = testOnly ? 1u : 0u };
        KvmIoctl.Invoke(_fd, KvmIoctls.CreateDevice, ref request, "KVM_CREATE_DEVICE");
        return testOnly ? null : new KvmDevice(new SafeFdHandle((int)request.Fd));
    }

    /// <summary>
    /// True when KVM_CREATE_DEVICE would succeed for <paramref name="type"/>. Only ENODEV (the
    /// documented "unknown or unsupported device type") means no; any other failure is a real error
    /// and is raised, so a broken host is not mistaken for one that lacks the device.
    /// </summary>
    public bool SupportsDevice(uint type)
    {
        try
        {
            CreateDevice(type, testOnly: true);
            return true;
        }
        catch (KvmException e) when (e.ErrorNumber == Errno.ENODEV)
        {
            return false;
        }
    }

    /// <summary>KVM_IRQ_LINE: raises or lowers an interrupt line (arm64 encoding in <paramref name="irq"/>).</summary>
    public void SetIrqLine(uint irq, bool level)
    {
        var request = new KvmIrqLevel { Irq = irq, Level = level ? 1u : 0u };
        KvmIoctl.Invoke(_fd, KvmIoctls.IrqLine, ref request, "KVM_IRQ_LINE");
    }

    /// <summary>
    /// KVM_IOEVENTFD: a guest store matching <paramref name="request"/> signals its eventfd inside
    /// KVM (no exit to the VMM); with the DEASSIGN flag the registration is removed.
    /// </summary>
    public void Ioeventfd(in KvmIoeventfd request)
    {
        KvmIoeventfd copy = request;
        KvmIoctl.Invoke(_fd, KvmIoctls.Ioeventfd, ref copy, "KVM_IOEVENTFD");
    }

    /// <summary>KVM_IRQFD: a write to the request's eventfd injects its GSI (arm64: SPI n = GSI n).</summary>
    public void Irqfd(in KvmIrqfd request)
    {
        KvmIrqfd copy = request;
        KvmIoctl.Invoke(_fd, KvmIoctls.Irqfd, ref copy, "KVM_IRQFD");
    }

    /// <summary>KVM_CHECK_EXTENSION on the VM fd (the answer for this VM): 0 = unsupported.</summary>
    public int CheckExtension(int capability) =>
        KvmIoctl.Invoke(_fd, KvmIoctls.CheckExtension, capability, "KVM_CHECK_EXTENSION");

    /// <summary>KVM_HAS_DEVICE_ATTR on the VM fd.</summary>
    public bool HasAttribute(uint group, ulong attribute) => KvmDevice.HasAttribute(_fd, group, attribute);

    /// <summary>KVM_SET_DEVICE_ATTR on the VM fd with an unmanaged payload.</summary>
    public void SetAttribute<T>(uint group, ulong attribute, ref T value, string name)
        where T : unmanaged => KvmDevice.SetAttribute(_fd, group, attribute, ref value, name);

    /// <inheritdoc />
    public void Dispose() => _fd.Dispose();
}
