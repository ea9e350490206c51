using System.Text;
using Parkway.Interop;

namespace Parkway.Virtio.Devices.Net;

/// <summary>
/// An existing tap interface, attached with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and a 12-byte
/// virtio-net header, so the guest's checksum and TSO offloads pass through the kernel without
/// per-packet software checksums once TUNSETOFFLOAD says what the guest accepts.
/// </summary>
public sealed unsafe class TapBackend : FdFrameBackend
{
    private TapBackend(SafeFdHandle handle, string name)
        : base(handle) => Name = name;

    /// <summary>The interface name.</summary>
    public string Name { get; }

    /// <inheritdoc />
    public override bool SupportsOffloads => true;

    /// <summary>Attaches to tap <paramref name="name"/>; every failure is a <see cref="VirtioConfigurationException"/> with the reason.</summary>
    public static TapBackend Open(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // TUNSETIFF would create a missing interface when permitted: the user asked for an existing tap.
        if (!Directory.Exists(Path.Combine("/sys/class/net", name)))
        {
            throw new VirtioConfigurationException($"--net: tap '{name}' does not exist (create it first, e.g. ip tuntap add dev {name} mode tap)");
        }

        int fd = Libc.Open("/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw new VirtioConfigurationException($"--net: cannot open /dev/net/tun: {Errno.Describe(Errno.Last)}");
        }

        var handle = new SafeFdHandle(fd);
        try
        {
            var request = default(IfReq);
            byte[] bytes = Encoding.ASCII.GetBytes(name);
            // SAFETY: the index stays below IFNAMSIZ - 1, inside the fixed name buffer, leaving its NUL.
            for (int i = 0; i < bytes.Length && i < IfReq.NameSize - 1; i++)
            {
                request.Name[i] = bytes[i];
            }

            request.Flags = TunIoctls.IffTap | TunIoctls.IffNoPi | TunIoctls.IffVnetHdr;
            // SAFETY: request is a local struct ifreq of the size the kernel reads.
            if (Libc.Ioctl(handle, TunIoctls.SetIff, &request) != 0)
            {
                int errno = Errno.Last;
                string hint = errno is Errno.EPERM or Errno.EACCES ? " (needs CAP_NET_ADMIN or a tap owned by this user)"
                    : errno == Errno.EINVAL ? " (is it a tun rather than a tap?)"
                    : string.Empty;
                throw new VirtioConfigurationException($"--net: cannot attach to tap '{name}': {Errno.Describe(errno)}{hint}");
            }

            int headerSize = VirtioNet.HeaderSize;
            // SAFETY: passes the address of a local int, as TUNSETVNETHDRSZ expects.
            if (Libc.Ioctl(handle, TunIoctls.SetVnetHdrSz, &headerSize) != 0)
            {
                throw new VirtioConfigurationException($"--net: tap '{name}' refuses a {headerSize}-byte virtio-net header: {Errno.Describe(Errno.Last)}");
            }

            return new TapBackend(handle, name);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public override void SetOffloads(uint tunFlags)
    {
        // SAFETY: TUNSETOFFLOAD takes the flags by value in the pointer-sized argument.
        if (Libc.Ioctl(Handle, TunIoctls.SetOffload, (nint)tunFlags) != 0)
        {
            int errno = Errno.Last;
            throw new IOException($"TUNSETOFFLOAD 0x{tunFlags:x} on {Name}: {Errno.Describe(errno)}", errno);
        }
    }
}
