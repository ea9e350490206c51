using Parkway.Interop;

namespace Parkway.Kvm;

/// <summary>
/// Owns the /dev/kvm descriptor: capability queries and VM creation. Opening fails with a message a
/// user can act on (missing module, missing permission) instead of a bare errno.
/// </summary>
public sealed class KvmSystem : IDisposable
{
    /// <summary>The only KVM API version that exists (KVM_API_VERSION).</summary>
    public const int ExpectedApiVersion = 12;

    private readonly SafeFdHandle _fd;

    private KvmSystem(SafeFdHandle fd) => _fd = fd;

    /// <summary>Opens /dev/kvm (or <paramref name="path"/>) and checks the API version.</summary>
    public static KvmSystem Open(string path = "/dev/kvm")
    {
        int fd = Libc.Open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Errno.Last;
            string message = errno switch
            {
                Errno.ENOENT => $"KVM is not available: {path} does not exist (is the kvm module loaded, and is this a host with virtualization?)",
                Errno.EACCES or Errno.EPERM => $"permission denied opening {path}: this user needs read and write access to it (add the user to the group that owns it, usually 'kvm', or run as root)",
                _ => $"cannot open {path}: {Errno.Describe(errno)}",
            };
            throw new KvmUnavailableException(message, errno);
        }

        var system = new KvmSystem(new SafeFdHandle(fd));
        int version = KvmIoctl.Invoke(system._fd, KvmIoctls.GetApiVersion, 0, "KVM_GET_API_VERSION");
        if (version != ExpectedApiVersion)
        {
            system.Dispose();
            throw new KvmUnavailableException($"unsupported KVM API version {version} (expected {ExpectedApiVersion})", 0);
        }

        return system;
    }

    /// <summary>KVM_CHECK_EXTENSION: 0 when the capability is absent, otherwise its value.</summary>
    public int CheckExtension(int capability) =>
        KvmIoctl.Invoke(_fd, KvmIoctls.CheckExtension, capability, "KVM_CHECK_EXTENSION");

    /// <summary>The most vCPUs one VM may have (KVM_CAP_MAX_VCPUS, falling back to KVM_CAP_NR_VCPUS).</summary>
    public int MaxVcpus
    {
        get
        {
            int max = CheckExtension(KvmCapability.MaxVcpus);
            return max > 0 ? max : CheckExtension(KvmCapability.NrVcpus);
        }
    }

    /// <summary>Size of each vCPU's kvm_run mapping.</summary>
    public int VcpuMmapSize => KvmIoctl.Invoke(_fd, KvmIoctls.GetVcpuMmapSize, 0, "KVM_GET_VCPU_MMAP_SIZE");

    /// <summary>Creates a VM with the default machine type (arm64: 40-bit IPA space).</summary>
    public KvmVm CreateVm()
    {
        int fd = KvmIoctl.Invoke(_fd, KvmIoctls.CreateVm, 0, "KVM_CREATE_VM");
        return new KvmVm(new SafeFdHandle(fd), VcpuMmapSize);
    }

    /// <inheritdoc />
    public void Dispose() => _fd.Dispose();
}

/// <summary>KVM cannot be used on this host at all (no device, no permission, wrong API).</summary>
public sealed class KvmUnavailableException : KvmException
{
    /// <summary>Creates the exception.</summary>
    public KvmUnavailableException(string message, int errno)
        : base("open /dev/kvm", errno, message)
    {
    }
}
