using System.Reflection;
using System.Text;
using Parkway.Virtio.Devices;
using Parkway.Virtio.Devices.Block;
using Parkway.Interop;
using Parkway.Virtio.Devices.Console;
using Parkway.Virtio.Devices.Net;
using Parkway.Virtio.Devices.Vsock;
using Parkway.Virtio.Events;
using Parkway.Virtio.Queues;
using Parkway.Virtio.Transport;

namespace Parkway.Virtio.Tests.Abi;

/// <summary>
/// Every virtio number and layout Parkway hard-codes, compared with Linux's uapi headers
/// (virtio_mmio.h, virtio_ring.h, virtio_config.h, virtio_ids.h, virtio_blk.h, virtio_console.h)
/// through the arm64 cross compiler. Register offsets and enums are enumerated by reflection, so a
/// register added later is checked without editing this file.
/// </summary>
public sealed class VirtioHeaderTests
{
    // Constants of VirtioMmioRegisters that are values, not register offsets, with the macro (if any) each equals.
    private static readonly Dictionary<string, string?> NonOffsetRegisterConstants = new(StringComparer.Ordinal)
    {
        [nameof(VirtioMmioRegisters.WindowSize)] = null,
        [nameof(VirtioMmioRegisters.MagicValueExpected)] = null,
        [nameof(VirtioMmioRegisters.VersionModern)] = null,
        [nameof(VirtioMmioRegisters.ParkwayVendorId)] = null,
        [nameof(VirtioMmioRegisters.InterruptUsedBuffer)] = "VIRTIO_MMIO_INT_VRING",
        [nameof(VirtioMmioRegisters.InterruptConfigChange)] = "VIRTIO_MMIO_INT_CONFIG",
    };

    private static readonly Lazy<Dictionary<string, ulong>> Headers = new(() => VirtioUapi.Evaluate(AllRows().Select(static row => row.Expression)));

    public static TheoryData<string, ulong, string> Rows
    {
        get
        {
            var data = new TheoryData<string, ulong, string>();
            foreach ((string name, ulong value, string expression) in AllRows())
            {
                data.Add(name, value, expression);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Value_equals_the_linux_uapi_header(string name, ulong value, string expression) =>
        Assert.True(Headers.Value[expression] == value, $"{name} = 0x{value:x}, but {expression} = 0x{Headers.Value[expression]:x}");

    [Fact]
    public void The_magic_value_is_virt_in_little_endian() =>
        Assert.Equal("virt", Encoding.ASCII.GetString(BitConverter.GetBytes(VirtioMmioRegisters.MagicValueExpected)));

    [Fact]
    public void Every_register_offset_constant_is_checked()
    {
        int offsets = RegisterOffsets().Count();
        Assert.True(offsets >= 29, $"only {offsets} register offsets found by reflection");
    }

    private static IEnumerable<(string Name, ulong Value, string Expression)> AllRows()
    {
        foreach ((string name, uint value) in RegisterOffsets())
        {
            yield return ($"VirtioMmioRegisters.{name}", value, "VIRTIO_MMIO_" + ToUpperSnake(name));
        }

        foreach ((string name, string? macro) in NonOffsetRegisterConstants)
        {
            if (macro is not null)
            {
                yield return ($"VirtioMmioRegisters.{name}", (uint)typeof(VirtioMmioRegisters).GetField(name)!.GetRawConstantValue()!, macro);
            }
        }

        foreach (DeviceStatus status in Enum.GetValues<DeviceStatus>().Where(static s => s != DeviceStatus.None))
        {
            yield return ($"DeviceStatus.{status}", (ulong)status, "VIRTIO_CONFIG_S_" + ToUpperSnake(status.ToString()));
        }

        foreach (VirtioDeviceType type in Enum.GetValues<VirtioDeviceType>())
        {
            yield return ($"VirtioDeviceType.{type}", (ulong)type, "VIRTIO_ID_" + ToUpperSnake(type.ToString()));
        }

        yield return ("VirtioFeatures.Version1", VirtioFeatures.Version1, "VIRTIO_F_VERSION_1");
        yield return ("VirtioFeatures.RingIndirectDesc", VirtioFeatures.RingIndirectDesc, "VIRTIO_RING_F_INDIRECT_DESC");
        yield return ("VirtioFeatures.RingEventIdx", VirtioFeatures.RingEventIdx, "VIRTIO_RING_F_EVENT_IDX");

        // Split ring layout.
        yield return ("VirtqueueLayout.DescriptorSize", VirtqueueLayout.DescriptorSize, "sizeof(struct vring_desc)");
        yield return ("VirtqueueLayout.DescriptorAddressOffset", VirtqueueLayout.DescriptorAddressOffset, "offsetof(struct vring_desc, addr)");
        yield return ("VirtqueueLayout.DescriptorLengthOffset", VirtqueueLayout.DescriptorLengthOffset, "offsetof(struct vring_desc, len)");
        yield return ("VirtqueueLayout.DescriptorFlagsOffset", VirtqueueLayout.DescriptorFlagsOffset, "offsetof(struct vring_desc, flags)");
        yield return ("VirtqueueLayout.DescriptorNextOffset", VirtqueueLayout.DescriptorNextOffset, "offsetof(struct vring_desc, next)");
        yield return ("VirtqueueLayout.DescriptorFlagNext", VirtqueueLayout.DescriptorFlagNext, "VRING_DESC_F_NEXT");
        yield return ("VirtqueueLayout.DescriptorFlagWrite", VirtqueueLayout.DescriptorFlagWrite, "VRING_DESC_F_WRITE");
        yield return ("VirtqueueLayout.DescriptorFlagIndirect", VirtqueueLayout.DescriptorFlagIndirect, "VRING_DESC_F_INDIRECT");
        yield return ("VirtqueueLayout.AvailFlagNoInterrupt", VirtqueueLayout.AvailFlagNoInterrupt, "VRING_AVAIL_F_NO_INTERRUPT");
        yield return ("VirtqueueLayout.UsedFlagNoNotify", VirtqueueLayout.UsedFlagNoNotify, "VRING_USED_F_NO_NOTIFY");
        yield return ("VirtqueueLayout.DescriptorTableAlignment", VirtqueueLayout.DescriptorTableAlignment, "VRING_DESC_ALIGN_SIZE");
        yield return ("VirtqueueLayout.AvailRingAlignment", VirtqueueLayout.AvailRingAlignment, "VRING_AVAIL_ALIGN_SIZE");
        yield return ("VirtqueueLayout.UsedRingAlignment", VirtqueueLayout.UsedRingAlignment, "VRING_USED_ALIGN_SIZE");
        yield return ("VirtqueueLayout.RingIndexOffset (avail)", VirtqueueLayout.RingIndexOffset, "offsetof(struct vring_avail, idx)");
        yield return ("VirtqueueLayout.RingIndexOffset (used)", VirtqueueLayout.RingIndexOffset, "offsetof(struct vring_used, idx)");
        yield return ("VirtqueueLayout.RingEntriesOffset (avail)", VirtqueueLayout.RingEntriesOffset, "offsetof(struct vring_avail, ring)");
        yield return ("VirtqueueLayout.RingEntriesOffset (used)", VirtqueueLayout.RingEntriesOffset, "offsetof(struct vring_used, ring)");
        yield return ("VirtqueueLayout.UsedEntrySize", VirtqueueLayout.UsedEntrySize, "sizeof(struct vring_used_elem)");
        yield return ("VirtqueueLayout.AvailEntrySize", VirtqueueLayout.AvailEntrySize, "sizeof(((struct vring_avail *)0)->ring[0])");
        // virtio_ring.h's vring_used_event(vr) is avail->ring[num] and vring_avail_event(vr) is
        // used->ring[num]: the slot just past each ring's entries (checked for a 256-entry ring).
        yield return ("VirtqueueLayout.UsedEventOffset(256)", VirtqueueLayout.UsedEventOffset(256), "offsetof(struct vring_avail, ring[256])");
        yield return ("VirtqueueLayout.AvailEventOffset(256)", VirtqueueLayout.AvailEventOffset(256), "offsetof(struct vring_used, ring[256])");
        yield return ("VirtqueueLayout.MaxQueueSize", VirtqueueLayout.MaxQueueSize, "1 << (8 * sizeof(__virtio16) - 1)");

        // virtio-blk.
        foreach (FieldInfo field in typeof(VirtioBlock).GetFields(BindingFlags.Public | BindingFlags.Static).Where(static f => f.IsLiteral))
        {
            string? macro = BlockMacro(field.Name);
            if (macro is not null)
            {
                yield return ($"VirtioBlock.{field.Name}", Convert.ToUInt64(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture), macro);
            }
        }

        // virtio-console.
        yield return ("VirtioConsole.FeatureSize", VirtioConsole.FeatureSize, "VIRTIO_CONSOLE_F_SIZE");
        yield return ("VirtioConsole.FeatureMultiport", VirtioConsole.FeatureMultiport, "VIRTIO_CONSOLE_F_MULTIPORT");
        yield return ("VirtioConsole.FeatureEmergencyWrite", VirtioConsole.FeatureEmergencyWrite, "VIRTIO_CONSOLE_F_EMERG_WRITE");
        yield return ("VirtioConsole.ConfigColumns", VirtioConsole.ConfigColumns, "offsetof(struct virtio_console_config, cols)");
        yield return ("VirtioConsole.ConfigRows", VirtioConsole.ConfigRows, "offsetof(struct virtio_console_config, rows)");
        yield return ("VirtioConsole.ConfigMaxPorts", VirtioConsole.ConfigMaxPorts, "offsetof(struct virtio_console_config, max_nr_ports)");
        yield return ("VirtioConsole.ConfigEmergencyWrite", VirtioConsole.ConfigEmergencyWrite, "offsetof(struct virtio_console_config, emerg_wr)");
        yield return ("VirtioConsole.ConfigSize", VirtioConsole.ConfigSize, "sizeof(struct virtio_console_config)");

        // virtio-net.
        yield return ("VirtioNet.HeaderSize", VirtioNet.HeaderSize, "sizeof(struct virtio_net_hdr_v1)");
        yield return ("VirtioNet.HeaderNumBuffersOffset", VirtioNet.HeaderNumBuffersOffset, "offsetof(struct virtio_net_hdr_v1, num_buffers)");
        yield return ("VirtioNet.StatusLinkUp", VirtioNet.StatusLinkUp, "VIRTIO_NET_S_LINK_UP");
        yield return ("VirtioNet.ConfigMac", VirtioNet.ConfigMac, "offsetof(struct virtio_net_config, mac)");
        yield return ("VirtioNet.ConfigStatus", VirtioNet.ConfigStatus, "offsetof(struct virtio_net_config, status)");
        yield return ("VirtioNet.ConfigMaxQueuePairs", VirtioNet.ConfigMaxQueuePairs, "offsetof(struct virtio_net_config, max_virtqueue_pairs)");
        yield return ("VirtioNet.ConfigSize", VirtioNet.ConfigSize, "offsetof(struct virtio_net_config, mtu)");
        foreach ((string name, string macro) in new[]
        {
            (nameof(VirtioNet.FeatureCsum), "VIRTIO_NET_F_CSUM"), (nameof(VirtioNet.FeatureGuestCsum), "VIRTIO_NET_F_GUEST_CSUM"),
            (nameof(VirtioNet.FeatureMac), "VIRTIO_NET_F_MAC"), (nameof(VirtioNet.FeatureGuestTso4), "VIRTIO_NET_F_GUEST_TSO4"),
            (nameof(VirtioNet.FeatureGuestTso6), "VIRTIO_NET_F_GUEST_TSO6"), (nameof(VirtioNet.FeatureGuestEcn), "VIRTIO_NET_F_GUEST_ECN"),
            (nameof(VirtioNet.FeatureHostTso4), "VIRTIO_NET_F_HOST_TSO4"), (nameof(VirtioNet.FeatureHostTso6), "VIRTIO_NET_F_HOST_TSO6"),
            (nameof(VirtioNet.FeatureHostEcn), "VIRTIO_NET_F_HOST_ECN"), (nameof(VirtioNet.FeatureMergeableRxBuffers), "VIRTIO_NET_F_MRG_RXBUF"),
            (nameof(VirtioNet.FeatureStatus), "VIRTIO_NET_F_STATUS"),
        })
        {
            yield return ($"VirtioNet.{name}", Convert.ToUInt64(typeof(VirtioNet).GetField(name)!.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture), macro);
        }

        // tun/tap.
        yield return ("TunIoctls.SetIff", TunIoctls.SetIff, "TUNSETIFF");
        yield return ("TunIoctls.SetOffload", TunIoctls.SetOffload, "TUNSETOFFLOAD");
        yield return ("TunIoctls.SetVnetHdrSz", TunIoctls.SetVnetHdrSz, "TUNSETVNETHDRSZ");
        yield return ("TunIoctls.IffTap", (ulong)TunIoctls.IffTap, "IFF_TAP");
        yield return ("TunIoctls.IffNoPi", (ulong)TunIoctls.IffNoPi, "IFF_NO_PI");
        yield return ("TunIoctls.IffVnetHdr", (ulong)TunIoctls.IffVnetHdr, "IFF_VNET_HDR");
        yield return ("TunIoctls.TunFCsum", TunIoctls.TunFCsum, "TUN_F_CSUM");
        yield return ("TunIoctls.TunFTso4", TunIoctls.TunFTso4, "TUN_F_TSO4");
        yield return ("TunIoctls.TunFTso6", TunIoctls.TunFTso6, "TUN_F_TSO6");
        yield return ("TunIoctls.TunFTsoEcn", TunIoctls.TunFTsoEcn, "TUN_F_TSO_ECN");
        yield return ("sizeof IfReq", (ulong)System.Runtime.CompilerServices.Unsafe.SizeOf<IfReq>(), "sizeof(struct ifreq)");
        yield return ("IfReq.Flags offset", (ulong)IfReq.NameSize, "offsetof(struct ifreq, ifr_flags)");
        yield return ("IfReq.NameSize", (ulong)IfReq.NameSize, "IFNAMSIZ");
        yield return ("Libc.O_NONBLOCK", Libc.O_NONBLOCK, "O_NONBLOCK");
        yield return ("Libc.SOCK_SEQPACKET", Libc.SOCK_SEQPACKET, "SOCK_SEQPACKET");
        yield return ("Libc.SOCK_NONBLOCK", Libc.SOCK_NONBLOCK, "SOCK_NONBLOCK");
        yield return ("Libc.SOCK_CLOEXEC", Libc.SOCK_CLOEXEC, "SOCK_CLOEXEC");
        yield return ("sizeof IoVector", (ulong)System.Runtime.CompilerServices.Unsafe.SizeOf<IoVector>(), "sizeof(struct iovec)");
        yield return ("IoVector.Length offset", (ulong)System.Runtime.InteropServices.Marshal.OffsetOf<IoVector>(nameof(IoVector.Length)), "offsetof(struct iovec, iov_len)");
        yield return ("Libc.IOV_MAX", Libc.IOV_MAX, "UIO_MAXIOV");
        yield return ("DynamicWorkSource.PollOut", (ulong)DynamicWorkSource.PollOut, "POLLOUT");

        // virtio-vsock: every constant of VirtioVsock has a header expression.
        foreach (FieldInfo field in typeof(VirtioVsock).GetFields(BindingFlags.Public | BindingFlags.Static).Where(static f => f.IsLiteral))
        {
            string? expression = VsockExpression(field.Name);
            if (expression is not null)
            {
                yield return ($"VirtioVsock.{field.Name}", Convert.ToUInt64(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture), expression);
            }
        }
    }

    /// <summary>The uapi expression for each VirtioBlock constant (null: Parkway's own value, no header equivalent).</summary>
    private static string? BlockMacro(string name) => name switch
    {
        nameof(VirtioBlock.SectorSize) => "1 << 9", // the header's SECTOR_SHIFT is kernel-internal; 512 is the spec's unit
        nameof(VirtioBlock.IdBytes) => "VIRTIO_BLK_ID_BYTES",
        nameof(VirtioBlock.RequestHeaderSize) => "sizeof(struct virtio_blk_outhdr)",
        nameof(VirtioBlock.DiscardSegmentSize) => "sizeof(struct virtio_blk_discard_write_zeroes)",
        nameof(VirtioBlock.FeatureSegMax) => "VIRTIO_BLK_F_SEG_MAX",
        nameof(VirtioBlock.FeatureReadOnly) => "VIRTIO_BLK_F_RO",
        nameof(VirtioBlock.FeatureBlockSize) => "VIRTIO_BLK_F_BLK_SIZE",
        nameof(VirtioBlock.FeatureFlush) => "VIRTIO_BLK_F_FLUSH",
        nameof(VirtioBlock.FeatureDiscard) => "VIRTIO_BLK_F_DISCARD",
        nameof(VirtioBlock.FeatureWriteZeroes) => "VIRTIO_BLK_F_WRITE_ZEROES",
        nameof(VirtioBlock.RequestIn) => "VIRTIO_BLK_T_IN",
        nameof(VirtioBlock.RequestOut) => "VIRTIO_BLK_T_OUT",
        nameof(VirtioBlock.RequestFlush) => "VIRTIO_BLK_T_FLUSH",
        nameof(VirtioBlock.RequestGetId) => "VIRTIO_BLK_T_GET_ID",
        nameof(VirtioBlock.RequestDiscard) => "VIRTIO_BLK_T_DISCARD",
        nameof(VirtioBlock.RequestWriteZeroes) => "VIRTIO_BLK_T_WRITE_ZEROES",
        nameof(VirtioBlock.StatusOk) => "VIRTIO_BLK_S_OK",
        nameof(VirtioBlock.StatusIoError) => "VIRTIO_BLK_S_IOERR",
        nameof(VirtioBlock.StatusUnsupported) => "VIRTIO_BLK_S_UNSUPP",
        nameof(VirtioBlock.WriteZeroesFlagUnmap) => "VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP",
        nameof(VirtioBlock.ConfigCapacity) => "offsetof(struct virtio_blk_config, capacity)",
        nameof(VirtioBlock.ConfigSegMax) => "offsetof(struct virtio_blk_config, seg_max)",
        nameof(VirtioBlock.ConfigBlockSize) => "offsetof(struct virtio_blk_config, blk_size)",
        nameof(VirtioBlock.ConfigMaxDiscardSectors) => "offsetof(struct virtio_blk_config, max_discard_sectors)",
        nameof(VirtioBlock.ConfigMaxDiscardSeg) => "offsetof(struct virtio_blk_config, max_discard_seg)",
        nameof(VirtioBlock.ConfigDiscardSectorAlignment) => "offsetof(struct virtio_blk_config, discard_sector_alignment)",
        nameof(VirtioBlock.ConfigMaxWriteZeroesSectors) => "offsetof(struct virtio_blk_config, max_write_zeroes_sectors)",
        nameof(VirtioBlock.ConfigMaxWriteZeroesSeg) => "offsetof(struct virtio_blk_config, max_write_zeroes_seg)",
        nameof(VirtioBlock.ConfigWriteZeroesMayUnmap) => "offsetof(struct virtio_blk_config, write_zeroes_may_unmap)",
        // Parkway serves the config up to the write-zeroes fields (secure erase is not offered).
        nameof(VirtioBlock.ConfigSize) => "offsetof(struct virtio_blk_config, max_secure_erase_sectors)",
        _ => throw new InvalidOperationException($"test bug: VirtioBlock.{name} has no header expression; add one"),
    };

    /// <summary>The uapi expression for each VirtioVsock constant (null: Parkway's own value, no header equivalent).</summary>
    private static string? VsockExpression(string name) => name switch
    {
        nameof(VirtioVsock.ReceiveQueue) or nameof(VirtioVsock.TransmitQueue) or nameof(VirtioVsock.EventQueue) => null, // virtio 1.2 §5.10.2, no macro
        nameof(VirtioVsock.FeatureSeqpacket) => "VIRTIO_VSOCK_F_SEQPACKET",
        nameof(VirtioVsock.ConfigSize) => "sizeof(struct virtio_vsock_config)",
        nameof(VirtioVsock.ConfigGuestCid) => "offsetof(struct virtio_vsock_config, guest_cid)",
        nameof(VirtioVsock.HeaderSize) => "sizeof(struct virtio_vsock_hdr)",
        nameof(VirtioVsock.HeaderSourceCid) => "offsetof(struct virtio_vsock_hdr, src_cid)",
        nameof(VirtioVsock.HeaderDestinationCid) => "offsetof(struct virtio_vsock_hdr, dst_cid)",
        nameof(VirtioVsock.HeaderSourcePort) => "offsetof(struct virtio_vsock_hdr, src_port)",
        nameof(VirtioVsock.HeaderDestinationPort) => "offsetof(struct virtio_vsock_hdr, dst_port)",
        nameof(VirtioVsock.HeaderLength) => "offsetof(struct virtio_vsock_hdr, len)",
        nameof(VirtioVsock.HeaderType) => "offsetof(struct virtio_vsock_hdr, type)",
        nameof(VirtioVsock.HeaderOp) => "offsetof(struct virtio_vsock_hdr, op)",
        nameof(VirtioVsock.HeaderFlags) => "offsetof(struct virtio_vsock_hdr, flags)",
        nameof(VirtioVsock.HeaderBufAlloc) => "offsetof(struct virtio_vsock_hdr, buf_alloc)",
        nameof(VirtioVsock.HeaderForwardCount) => "offsetof(struct virtio_vsock_hdr, fwd_cnt)",
        nameof(VirtioVsock.TypeStream) => "VIRTIO_VSOCK_TYPE_STREAM",
        nameof(VirtioVsock.TypeSeqpacket) => "VIRTIO_VSOCK_TYPE_SEQPACKET",
        nameof(VirtioVsock.OpInvalid) => "VIRTIO_VSOCK_OP_INVALID",
        nameof(VirtioVsock.OpRequest) => "VIRTIO_VSOCK_OP_REQUEST",
        nameof(VirtioVsock.OpResponse) => "VIRTIO_VSOCK_OP_RESPONSE",
        nameof(VirtioVsock.OpReset) => "VIRTIO_VSOCK_OP_RST",
        nameof(VirtioVsock.OpShutdown) => "VIRTIO_VSOCK_OP_SHUTDOWN",
        nameof(VirtioVsock.OpReadWrite) => "VIRTIO_VSOCK_OP_RW",
        nameof(VirtioVsock.OpCreditUpdate) => "VIRTIO_VSOCK_OP_CREDIT_UPDATE",
        nameof(VirtioVsock.OpCreditRequest) => "VIRTIO_VSOCK_OP_CREDIT_REQUEST",
        nameof(VirtioVsock.ShutdownReceive) => "VIRTIO_VSOCK_SHUTDOWN_RCV",
        nameof(VirtioVsock.ShutdownSend) => "VIRTIO_VSOCK_SHUTDOWN_SEND",
        nameof(VirtioVsock.EventSize) => "sizeof(struct virtio_vsock_event)",
        nameof(VirtioVsock.EventTransportReset) => "VIRTIO_VSOCK_EVENT_TRANSPORT_RESET",
        nameof(VirtioVsock.HostCid) => "VMADDR_CID_HOST",
        nameof(VirtioVsock.MinGuestCid) => "VMADDR_CID_HOST + 1",
        nameof(VirtioVsock.MaxGuestCid) => "VMADDR_CID_ANY - 1",
        nameof(VirtioVsock.MaxPayload) => null, // VIRTIO_VSOCK_MAX_PKT_BUF_SIZE is kernel-internal (64 KiB)
        _ => throw new InvalidOperationException($"test bug: VirtioVsock.{name} has no header expression; add one"),
    };

    private static IEnumerable<(string Name, uint Value)> RegisterOffsets() =>
        typeof(VirtioMmioRegisters).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(static f => f.IsLiteral && !NonOffsetRegisterConstants.ContainsKey(f.Name))
            .Select(static f => (f.Name, (uint)f.GetRawConstantValue()!));

    /// <summary>"QueueDescLow" → "QUEUE_DESC_LOW".</summary>
    private static string ToUpperSnake(string pascal)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(pascal[i]));
        }

        return builder.ToString();
    }
}
