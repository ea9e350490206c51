using Parkway.Interop;

namespace Parkway.Kvm;

/// <summary>Owns a KVM device descriptor (e.g. the vGICv3) and its attribute ioctls.</summary>
public sealed class KvmDevice : IDisposable
{
    private readonly SafeFdHandle _fd;

    internal KvmDevice(SafeFdHandle fd) => _fd = fd;

    /// <summary>KVM_SET_DEVICE_ATTR with an unmanaged payload.</summary>
    public void SetAttribute<T>(uint group, ulong attribute, ref T value, string name)
        where T : unmanaged => SetAttribute(_fd, group, attribute, ref value, name);

    /// <summary>KVM_SET_DEVICE_ATTR for attributes that take no payload (e.g. CTRL_INIT).</summary>
    public void SetAttribute(uint group, ulong attribute, string name)
    {
        var request = new KvmDeviceAttr { Group = group, Attribute = attribute };
        KvmIoctl.Invoke(_fd, KvmIoctls.SetDeviceAttr, ref request, name);
    }

    /// <summary>KVM_GET_DEVICE_ATTR into an unmanaged value.</summary>
    public unsafe T GetAttribute<T>(uint group, ulong attribute, string name)
        where T : unmanaged
    {
        T value = default;
        // SAFETY: value is a local on this frame; its address stays valid for the synchronous ioctl.
        var request = new KvmDeviceAttr { Group = group, Attribute = attribute, Address = (ulong)&value };
        KvmIoctl.Invoke(_fd, KvmIoctls.GetDeviceAttr, ref request, name);
        return value;
    }

    /// <summary>KVM_HAS_DEVICE_ATTR.</summary>
    public bool HasAttribute(uint group, ulong attribute) => HasAttribute(_fd, group, attribute);

    internal static unsafe void SetAttribute<T>(SafeFdHandle fd, uint group, ulong attribute, ref T value, string name)
        where T : unmanaged
    {
        // SAFETY: value is pinned for the duration of the synchronous ioctl that reads it.
        fixed (T* pointer = &value)
        {
            var request = new KvmDeviceAttr { Group = group, Attribute = attribute, Address = (ulong)pointer };
            KvmIoctl.Invoke(fd, KvmIoctls.SetDeviceAttr, ref request, name);
        }
    }

    /// <summary>
    /// KVM_HAS_DEVICE_ATTR. "No" is only what the kernel answers for something it does not support:
    /// ENXIO (unknown group or attribute, api.rst), EINVAL (a VM fd of an arm64 kernel older than
    /// the VM attributes: kvm_arch_vm_ioctl's default answer) and ENOTTY (a descriptor with no
    /// attribute ioctls at all). Anything else (EFAULT, EBADF, ...) is a real failure and is raised.
    /// </summary>
    internal static bool HasAttribute(SafeFdHandle fd, uint group, ulong attribute)
    {
        var request = new KvmDeviceAttr { Group = group, Attribute = attribute };
        try
        {
            KvmIoctl.Invoke(fd, KvmIoctls.HasDeviceAttr, ref request, "KVM_HAS_DEVICE_ATTR");
            return true;
        }
        catch (KvmException e) when (e.ErrorNumber is Errno.ENXIO or Errno.EINVAL or Errno.ENOTTY)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _fd.Dispose();
}
