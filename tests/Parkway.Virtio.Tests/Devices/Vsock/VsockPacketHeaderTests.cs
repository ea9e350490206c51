using Parkway.Virtio.Devices.Vsock;

namespace Parkway.Virtio.Tests.Devices.Vsock;

/// <summary>The header codec puts each field at the offset the uapi header gives (offsets checked in VirtioHeaderTests).</summary>
public sealed class VsockPacketHeaderTests
{
    [Fact]
    public void Fields_are_little_endian_at_their_offsets_and_round_trip()
    {
        var header = new VsockPacketHeader(0x0102030405060708, 0x1112131415161718, 0x21222324, 0x31323334, 0x41424344, 0x5152, 0x6162, 0x71727374, 0x81828384, 0x91929394);
        var bytes = new byte[VirtioVsock.HeaderSize];
        header.Write(bytes);

        Assert.Equal(0x08, bytes[VirtioVsock.HeaderSourceCid]);
        Assert.Equal(0x18, bytes[VirtioVsock.HeaderDestinationCid]);
        Assert.Equal(0x24, bytes[VirtioVsock.HeaderSourcePort]);
        Assert.Equal(0x34, bytes[VirtioVsock.HeaderDestinationPort]);
        Assert.Equal(0x44, bytes[VirtioVsock.HeaderLength]);
        Assert.Equal(0x52, bytes[VirtioVsock.HeaderType]);
        Assert.Equal(0x62, bytes[VirtioVsock.HeaderOp]);
        Assert.Equal(0x74, bytes[VirtioVsock.HeaderFlags]);
        Assert.Equal(0x84, bytes[VirtioVsock.HeaderBufAlloc]);
        Assert.Equal(0x91, bytes[VirtioVsock.HeaderForwardCount + 3]);
        Assert.Equal(header, VsockPacketHeader.Read(bytes));
    }

    [Fact]
    public void A_short_buffer_is_refused()
    {
        Assert.Throws<ArgumentException>(() => VsockPacketHeader.Read(new byte[VirtioVsock.HeaderSize - 1]));
        Assert.Throws<ArgumentException>(() => default(VsockPacketHeader).Write(new byte[VirtioVsock.HeaderSize - 1]));
    }
}
