using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Parkway.Virtio.Devices;
using Parkway.Virtio.Devices.Block;
using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Tests.Support;
using B = Parkway.Virtio.Devices.Block.VirtioBlock;

namespace Parkway.Virtio.Tests.Devices;

/// <summary>virtio-blk requests against a real temp image file, built and completed as the guest driver sees them.</summary>
public sealed class VirtioBlockDeviceTests
{
    private const int Sectors = 64;

    private static byte[] Pattern(int length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Config_space_carries_capacity_seg_max_and_block_size()
    {
        using var rig = new BlockRig(new byte[Sectors * 512]);
        byte[] config = rig.Config(B.ConfigSize);
        Assert.Equal((ulong)Sectors, BinaryPrimitives.ReadUInt64LittleEndian(config));
        Assert.Equal(VirtioBlockDevice.QueueSize - 2u, BinaryPrimitives.ReadUInt32LittleEndian(config.AsSpan(B.ConfigSegMax)));
        Assert.Equal(512u, BinaryPrimitives.ReadUInt32LittleEndian(config.AsSpan(B.ConfigBlockSize)));
    }

    [Fact]
    public void A_writable_disk_on_a_hole_punching_file_system_offers_flush_discard_and_write_zeroes()
    {
        using var rig = new BlockRig(new byte[Sectors * 512]);
        Assert.True(rig.Backend.SupportsDiscard, "the temp directory's file system (ext4/tmpfs) punches holes");
        ulong offered = rig.Driver.DeviceFeatures();
        Assert.True(VirtioFeatures.Has(offered, B.FeatureFlush));
        Assert.True(VirtioFeatures.Has(offered, B.FeatureDiscard));
        Assert.True(VirtioFeatures.Has(offered, B.FeatureWriteZeroes));
        Assert.False(VirtioFeatures.Has(offered, B.FeatureReadOnly));
        byte[] config = rig.Config(B.ConfigSize);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(config.AsSpan(B.ConfigMaxDiscardSeg)));
        Assert.Equal(VirtioBlockDevice.MaxDiscardSectors, BinaryPrimitives.ReadUInt32LittleEndian(config.AsSpan(B.ConfigMaxWriteZeroesSectors)));
        Assert.Equal(1, config[B.ConfigWriteZeroesMayUnmap]);
    }

    [Fact]
    public void Reads_return_the_image_bytes_across_split_buffers()
    {
        byte[] image = Pattern(Sectors * 512);
        using var rig = new BlockRig(image);

        var (status, used, data) = rig.Submit(B.RequestIn, sector: 3, dataIn: 4 * 512, dataInPieces: 3);

        Assert.Equal(B.StatusOk, status);
        Assert.Equal(4u * 512 + 1, used);
        Assert.Equal(image.AsSpan(3 * 512, 4 * 512).ToArray(), data);
        Assert.True(rig.Interrupt.Count > 0);
    }

    [Fact]
    public void A_read_from_an_image_that_shrank_under_it_fails_that_request_with_an_io_error()
    {
        byte[] image = Pattern(Sectors * 512);
        using var rig = new BlockRig(image);
        using (var file = new FileStream(rig.ImagePath, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(10 * 512); // the request below starts before the new end and runs past it
        }

        var (status, used, _) = rig.Submit(B.RequestIn, sector: 8, dataIn: 4 * 512, dataInPieces: 3);

        Assert.Equal(B.StatusIoError, status);
        Assert.Equal(1u, used);
        Assert.True(rig.Log.Mentions(GuestErrorKind.BackendIoError));
        Assert.Equal(B.StatusOk, rig.Submit(B.RequestIn, sector: 0, dataIn: 512).Status); // the disk still serves
    }

    [Fact]
    public unsafe void Vectored_reads_and_writes_skip_empty_pieces_and_keep_the_order()
    {
        byte[] image = Pattern(Sectors * 512);
        using var rig = new BlockRig(image);
        byte[] a = GC.AllocateArray<byte>(700, pinned: true), b = GC.AllocateArray<byte>(324, pinned: true);
        Parkway.Interop.IoVector[] pieces =
        [
            new() { Base = Unsafe.AsPointer(ref a[0]), Length = 700 },
            new() { Base = Unsafe.AsPointer(ref a[0]), Length = 0 },
            new() { Base = Unsafe.AsPointer(ref b[0]), Length = 324 },
        ];

        rig.Backend.ReadVector(512, pieces);
        Assert.Equal(image.AsSpan(512, 700).ToArray(), a);
        Assert.Equal(image.AsSpan(1212, 324).ToArray(), b);

        Array.Reverse(a);
        pieces[0] = new() { Base = Unsafe.AsPointer(ref a[0]), Length = 700 };
        pieces[2] = new() { Base = Unsafe.AsPointer(ref b[0]), Length = 324 };
        rig.Backend.WriteVector(4096, pieces);
        byte[] file = File.ReadAllBytes(rig.ImagePath);
        Assert.Equal(a, file.AsSpan(4096, 700).ToArray());
        Assert.Equal(b, file.AsSpan(4796, 324).ToArray());
    }

    [Fact]
    public void Writes_reach_the_file_and_flush_succeeds()
    {
        using var rig = new BlockRig(new byte[Sectors * 512]);
        byte[] payload = Pattern(2 * 512, seed: 9);

        Assert.Equal(B.StatusOk, rig.Submit(B.RequestOut, sector: 10, payloadOut: payload).Status);
        var (flushStatus, flushUsed, _) = rig.Submit(B.RequestFlush, 0);

        Assert.Equal(B.StatusOk, flushStatus);
        Assert.Equal(1u, flushUsed);
        byte[] file = File.ReadAllBytes(rig.ImagePath);
        Assert.Equal(payload, file.AsSpan(10 * 512, 1024).ToArray());
        Assert.All(file.AsSpan(0, 10 * 512).ToArray(), b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(Sectors - 1UL, 2)] // runs past the end
    [InlineData(Sectors, 1)] // starts at the end
    [InlineData(ulong.MaxValue, 1)] // sector * 512 would overflow
    public void Requests_beyond_the_disk_fail_with_ioerr(ulong sector, int count)
    {
        using var rig = new BlockRig(new byte[Sectors * 512]);
        Assert.Equal(B.StatusIoError, rig.Submit(B.RequestIn, sector, dataIn: count * 512).Status);
        Assert.Equal(B.StatusIoError, rig.Submit(B.RequestOut, sector, payloadOut: new byte[count * 512]).Status);
        Assert.True(rig.Log.Mentions(GuestErrorKind.OutOfBounds));
        Assert.Equal(Sectors * 512, new FileInfo(rig.ImagePath).Length);
    }

    [Fact]
    public void A_transfer_that_is_not_whole_sectors_fails_with_ioerr()
    {
        using var rig = new BlockRig(new byte[Sectors * 512]);
        Assert.Equal(B.StatusIoError, rig.Submit(B.RequestIn, 0, dataIn: 100).Status);
    }

    [Fact]
    public void A_read_only_disk_offers_ro_refuses_writes_with_ioerr_and_still_reads()
    {
        byte[] image = Pattern(Sectors * 512);
        using var rig = new BlockRig(image, readOnly: true);

        ulong offered = rig.Driver.DeviceFeatures();
        Assert.True(VirtioFeatures.Has(offered, B.FeatureReadOnly));
        Assert.False(VirtioFeatures.Has(offered, B.FeatureDiscard));
        Assert.False(VirtioFeatures.Has(offered, B.FeatureWriteZeroes));

        Assert.Equal(B.StatusIoError, rig.Submit(B.RequestOut, 0, payloadOut: new byte[512]).Status);
        Assert.Equal(B.StatusOk, rig.Submit(B.RequestFlush, 0).Status);
        Assert.Equal(image.AsSpan(0, 512).ToArray(), rig.Submit(B.RequestIn, 0, dataIn: 512).DataIn);
        Assert.Equal(image, File.ReadAllBytes(rig.ImagePath));
    }

    [Fact]
    public void Get_id_answers_the_serial_zero_padded_to_20_bytes()
    {
        using var rig = new BlockRig(new byte[Sectors * 512], serial: "PKWY-0001");

        var (status, used, data) = rig.Submit(B.RequestGetId, 0, dataIn: 20);

        Assert.Equal(B.StatusOk, status);
        Assert.Equal(21u, used);
        Assert.Equal("PKWY-0001"u8.ToArray().Concat(new byte[11]).ToArray(), data);
    }

    [Fact]
    public void An_unknown_request_type_is_unsupported()
    {
        using var rig = new BlockRig(new byte[Sectors * 512]);
        Assert.Equal(B.StatusUnsupported, rig.Submit(99, 0).Status);
    }

    [Fact]
    public void A_host_io_error_fails_only_that_request()
    {
        byte[] image = Pattern(Sectors * 512);
        using var rig = new BlockRig(image, wrap: inner => new FailingBackend(inner, failingOffset: 5 * 512));

        Assert.Equal(B.StatusIoError, rig.Submit(B.RequestIn, 5, dataIn: 512).Status);
        var (status, _, data) = rig.Submit(B.RequestIn, 6, dataIn: 512);

        Assert.Equal(B.StatusOk, status);
        Assert.Equal(image.AsSpan(6 * 512, 512).ToArray(), data);
        Assert.True(rig.Log.Mentions(GuestErrorKind.BackendIoError));
        Assert.Equal(Parkway.Virtio.Transport.DeviceStatus.None, rig.Driver.Status & Parkway.Virtio.Transport.DeviceStatus.NeedsReset);
    }

    [Fact]
    public void Discard_and_write_zeroes_make_the_range_read_as_zeros_and_leave_the_rest()
    {
        byte[] image = Pattern(Sectors * 512);
        using var rig = new BlockRig(image);

        Assert.Equal(B.StatusOk, rig.Submit(B.RequestDiscard, 0, payloadOut: Segment(8, 8, 0)).Status);
        Assert.Equal(B.StatusOk, rig.Submit(B.RequestWriteZeroes, 0, payloadOut: Segment(20, 3, 0)).Status);
        Assert.Equal(B.StatusOk, rig.Submit(B.RequestWriteZeroes, 0, payloadOut: Segment(30, 2, B.WriteZeroesFlagUnmap)).Status);

        byte[] file = File.ReadAllBytes(rig.ImagePath);
        Assert.Equal(image.Length, file.Length);
        for (int sector = 0; sector < Sectors; sector++)
        {
            bool zeroed = sector is >= 8 and < 16 or >= 20 and < 23 or >= 30 and < 32;
            byte[] expected = zeroed ? new byte[512] : image.AsSpan(sector * 512, 512).ToArray();
            Assert.True(expected.AsSpan().SequenceEqual(file.AsSpan(sector * 512, 512)), $"sector {sector}");
        }
    }

    [Fact]
    public void Discard_segments_with_reserved_flags_or_more_than_one_segment_are_unsupported_and_out_of_range_ones_fail()
    {
        using var rig = new BlockRig(new byte[Sectors * 512]);
        Assert.Equal(B.StatusUnsupported, rig.Submit(B.RequestDiscard, 0, payloadOut: Segment(0, 1, B.WriteZeroesFlagUnmap)).Status);
        Assert.Equal(B.StatusUnsupported, rig.Submit(B.RequestDiscard, 0, payloadOut: [.. Segment(0, 1, 0), .. Segment(2, 1, 0)]).Status);
        Assert.Equal(B.StatusUnsupported, rig.Submit(B.RequestWriteZeroes, 0, payloadOut: Segment(0, 1, 0x80)).Status);
        Assert.Equal(B.StatusIoError, rig.Submit(B.RequestDiscard, 0, payloadOut: Segment(Sectors - 1, 2, 0)).Status);
    }

    [Fact]
    public void A_request_without_a_writable_byte_is_returned_empty_and_logged()
    {
        using var rig = new BlockRig(new byte[Sectors * 512]);
        ushort head = rig.PostChain([(rig.Queue.Put(new byte[16]), 16, false)]);
        Assert.Equal(0u, rig.Run(head));
        Assert.True(rig.Log.Mentions(GuestErrorKind.MalformedRequest));
    }

    [Fact]
    public void A_header_shorter_than_16_bytes_fails_with_ioerr()
    {
        using var rig = new BlockRig(new byte[Sectors * 512]);
        ulong status = rig.Queue.Put([0xEE]);
        ushort head = rig.PostChain([(rig.Queue.Put(new byte[8]), 8, false), (status, 1, true)]);
        Assert.Equal(1u, rig.Run(head));
        Assert.Equal(B.StatusIoError, rig.Queue.Memory.GetSpanCopy(status, 1)[0]);
    }

    [Fact]
    public void State_names_the_image_and_capacity()
    {
        using var rig = new BlockRig(new byte[Sectors * 512], readOnly: true, serial: "S1");
        Assert.Equal(new BlockDeviceState(rig.ImagePath, true, "S1", Sectors), rig.Device.SaveState());
    }

    private static byte[] Segment(ulong sector, uint sectors, uint flags)
    {
        var segment = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(segment, sector);
        BinaryPrimitives.WriteUInt32LittleEndian(segment.AsSpan(8), sectors);
        BinaryPrimitives.WriteUInt32LittleEndian(segment.AsSpan(12), flags);
        return segment;
    }

    /// <summary>A real backend whose reads of one offset fail, as a failing disk sector would.</summary>
    private sealed class FailingBackend(IBlockBackend inner, long failingOffset) : IBlockBackend
    {
        public long Length => inner.Length;

        public bool SupportsDiscard => inner.SupportsDiscard;

        public void Read(long offset, Span<byte> destination)
        {
            if (offset <= failingOffset && failingOffset < offset + destination.Length)
            {
                throw new IOException("Input/output error (injected)");
            }

            inner.Read(offset, destination);
        }

        public void ReadVector(long offset, Span<Parkway.Interop.IoVector> pieces)
        {
            long length = 0;
            foreach (Parkway.Interop.IoVector piece in pieces)
            {
                length += (long)piece.Length;
            }

            if (offset <= failingOffset && failingOffset < offset + length)
            {
                throw new IOException("Input/output error (injected)");
            }

            inner.ReadVector(offset, pieces);
        }

        public void Write(long offset, ReadOnlySpan<byte> source) => inner.Write(offset, source);

        public void WriteVector(long offset, Span<Parkway.Interop.IoVector> pieces) => inner.WriteVector(offset, pieces);

        public void Flush() => inner.Flush();

        public void Discard(long offset, long length) => inner.Discard(offset, length);

        public void WriteZeroes(long offset, long length, bool mayUnmap) => inner.WriteZeroes(offset, length, mayUnmap);

        public void Dispose() => inner.Dispose();
    }
}
