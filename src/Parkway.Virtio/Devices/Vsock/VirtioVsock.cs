namespace Parkway.Virtio.Devices.Vsock;

/// <summary>virtio-vsock numbers and layouts (virtio 1.2 §5.10, linux/virtio_vsock.h, linux/vm_sockets.h).</summary>
public static class VirtioVsock
{
    /// <summary>Receive queue (device → driver packets).</summary>
    public const int ReceiveQueue = 0;
    /// <summary>Transmit queue (driver → device packets).</summary>
    public const int TransmitQueue = 1;
    /// <summary>Event queue (transport reset events, sent after a restore).</summary>
    public const int EventQueue = 2;

    /// <summary>VIRTIO_VSOCK_F_SEQPACKET (not offered: the hybrid host side is a byte stream).</summary>
    public const int FeatureSeqpacket = 1;

    /// <summary>sizeof(struct virtio_vsock_config).</summary>
    public const int ConfigSize = 8;
    /// <summary>offsetof(struct virtio_vsock_config, guest_cid).</summary>
    public const int ConfigGuestCid = 0;

    /// <summary>sizeof(struct virtio_vsock_hdr).</summary>
    public const int HeaderSize = 44;
    /// <summary>offsetof(src_cid).</summary>
    public const int HeaderSourceCid = 0;
    /// <summary>offsetof(dst_cid).</summary>
    public const int HeaderDestinationCid = 8;
    /// <summary>offsetof(src_port).</summary>
    public const int HeaderSourcePort = 16;
    /// <summary>offsetof(dst_port).</summary>
    public const int HeaderDestinationPort = 20;
    /// <summary>offsetof(len).</summary>
    public const int HeaderLength = 24;
    /// <summary>offsetof(type).</summary>
    public const int HeaderType = 28;
    /// <summary>offsetof(op).</summary>
    public const int HeaderOp = 30;
    /// <summary>offsetof(flags).</summary>
    public const int HeaderFlags = 32;
    /// <summary>offsetof(buf_alloc).</summary>
    public const int HeaderBufAlloc = 36;
    /// <summary>offsetof(fwd_cnt).</summary>
    public const int HeaderForwardCount = 40;

    /// <summary>VIRTIO_VSOCK_TYPE_STREAM.</summary>
    public const ushort TypeStream = 1;
    /// <summary>VIRTIO_VSOCK_TYPE_SEQPACKET.</summary>
    public const ushort TypeSeqpacket = 2;

    /// <summary>VIRTIO_VSOCK_OP_INVALID.</summary>
    public const ushort OpInvalid = 0;
    /// <summary>VIRTIO_VSOCK_OP_REQUEST.</summary>
    public const ushort OpRequest = 1;
    /// <summary>VIRTIO_VSOCK_OP_RESPONSE.</summary>
    public const ushort OpResponse = 2;
    /// <summary>VIRTIO_VSOCK_OP_RST.</summary>
    public const ushort OpReset = 3;
    /// <summary>VIRTIO_VSOCK_OP_SHUTDOWN.</summary>
    public const ushort OpShutdown = 4;
    /// <summary>VIRTIO_VSOCK_OP_RW.</summary>
    public const ushort OpReadWrite = 5;
    /// <summary>VIRTIO_VSOCK_OP_CREDIT_UPDATE.</summary>
    public const ushort OpCreditUpdate = 6;
    /// <summary>VIRTIO_VSOCK_OP_CREDIT_REQUEST.</summary>
    public const ushort OpCreditRequest = 7;

    /// <summary>VIRTIO_VSOCK_SHUTDOWN_RCV: the sender will receive no more.</summary>
    public const uint ShutdownReceive = 1;
    /// <summary>VIRTIO_VSOCK_SHUTDOWN_SEND: the sender will send no more.</summary>
    public const uint ShutdownSend = 2;

    /// <summary>sizeof(struct virtio_vsock_event).</summary>
    public const int EventSize = 4;
    /// <summary>VIRTIO_VSOCK_EVENT_TRANSPORT_RESET.</summary>
    public const uint EventTransportReset = 0;

    /// <summary>VMADDR_CID_HOST: the address the guest uses for the host.</summary>
    public const ulong HostCid = 2;
    /// <summary>The lowest CID a guest may have (0 hypervisor, 1 local, 2 host are reserved).</summary>
    public const ulong MinGuestCid = 3;
    /// <summary>The highest: Linux keeps CIDs in 32 bits and VMADDR_CID_ANY (-1U) is reserved.</summary>
    public const ulong MaxGuestCid = 0xFFFF_FFFE;

    /// <summary>
    /// Largest payload in one packet, both ways (Linux's VIRTIO_VSOCK_MAX_PKT_BUF_SIZE, 64 KiB, is
    /// kernel-internal; a guest RW above this is refused).
    /// </summary>
    public const int MaxPayload = 64 * 1024;
}
