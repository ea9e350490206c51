using System.Buffers.Binary;

namespace Parkway.Virtio.Devices.Vsock;

/// <summary>
/// struct virtio_vsock_hdr, decoded. Every field of a guest header is hostile: the device checks
/// cids, type, op and len before acting on any of them.
/// </summary>
public readonly record struct VsockPacketHeader(
    ulong SourceCid,
    ulong DestinationCid,
    uint SourcePort,
    uint DestinationPort,
    uint Length,
    ushort Type,
    ushort Op,
    uint Flags,
    uint BufAlloc,
    uint ForwardCount)
{
    /// <summary>Decodes the 44 header bytes.</summary>
    public static VsockPacketHeader Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < VirtioVsock.HeaderSize)
        {
            throw new ArgumentException($"a vsock header is {VirtioVsock.HeaderSize} bytes", nameof(bytes));
        }

        return new VsockPacketHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[VirtioVsock.HeaderSourceCid..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[VirtioVsock.HeaderDestinationCid..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[VirtioVsock.HeaderSourcePort..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[VirtioVsock.HeaderDestinationPort..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[VirtioVsock.HeaderLength..]),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes[VirtioVsock.HeaderType..]),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes[VirtioVsock.HeaderOp..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[VirtioVsock.HeaderFlags..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[VirtioVsock.HeaderBufAlloc..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[VirtioVsock.HeaderForwardCount..]));
    }

    /// <summary>Encodes into the first 44 bytes of <paramref name="bytes"/>.</summary>
    public void Write(Span<byte> bytes)
    {
        if (bytes.Length < VirtioVsock.HeaderSize)
        {
            throw new ArgumentException($"a vsock header is {VirtioVsock.HeaderSize} bytes", nameof(bytes));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(bytes[VirtioVsock.HeaderSourceCid..], SourceCid);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[VirtioVsock.HeaderDestinationCid..], DestinationCid);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[VirtioVsock.HeaderSourcePort..], SourcePort);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[VirtioVsock.HeaderDestinationPort..], DestinationPort);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[VirtioVsock.HeaderLength..], Length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[VirtioVsock.HeaderType..], Type);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[VirtioVsock.HeaderOp..], Op);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[VirtioVsock.HeaderFlags..], Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[VirtioVsock.HeaderBufAlloc..], BufAlloc);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[VirtioVsock.HeaderForwardCount..], ForwardCount);
    }
}
