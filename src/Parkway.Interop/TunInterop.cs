using System.Runtime.InteropServices;

namespace Parkway.Interop;

/// <summary>
/// The tun/tap ioctls and flags virtio-net needs (linux/if_tun.h), encoded like the kernel's _IOW
/// with type 'T'; TunAbiTests checks them against the arm64 uapi headers.
/// </summary>
public static class TunIoctls
{
    private static uint Iow(uint number, uint size) => (1u << 30) | (size << 16) | ((uint)'T' << 8) | number;

    /// <summary>TUNSETIFF: attach the fd to (or create) the named interface (struct ifreq).</summary>
    public static readonly uint SetIff = Iow(202, sizeof(int));
    /// <summary>TUNSETOFFLOAD: which offloads the reader accepts (TUN_F_* bits).</summary>
    public static readonly uint SetOffload = Iow(208, sizeof(uint));
    /// <summary>TUNSETVNETHDRSZ: size of the virtio-net header on every frame.</summary>
    public static readonly uint SetVnetHdrSz = Iow(216, sizeof(int));

    /// <summary>IFF_TAP: an Ethernet (layer 2) device.</summary>
    public const short IffTap = 0x0002;
    /// <summary>IFF_NO_PI: no packet-information prefix.</summary>
    public const short IffNoPi = 0x1000;
    /// <summary>IFF_VNET_HDR: every frame carries a virtio-net header.</summary>
    public const short IffVnetHdr = 0x4000;

    /// <summary>TUN_F_CSUM: the reader accepts partial checksums.</summary>
    public const uint TunFCsum = 0x01;
    /// <summary>TUN_F_TSO4.</summary>
    public const uint TunFTso4 = 0x02;
    /// <summary>TUN_F_TSO6.</summary>
    public const uint TunFTso6 = 0x04;
    /// <summary>TUN_F_TSO_ECN.</summary>
    public const uint TunFTsoEcn = 0x08;
}

/// <summary>struct ifreq as TUNSETIFF reads it: the interface name, then the flags (40 bytes on 64-bit Linux).</summary>
[StructLayout(LayoutKind.Sequential, Size = 40)]
public unsafe struct IfReq
{
    /// <summary>IFNAMSIZ.</summary>
    public const int NameSize = 16;

    /// <summary>ifr_name: NUL-terminated interface name.</summary>
    public fixed byte Name[NameSize];
    /// <summary>ifr_flags (IFF_TAP ...).</summary>
    public short Flags;
}
