namespace Parkway.Virtio.Devices.Block;

/// <summary>virtio-blk constants (linux/virtio_blk.h).</summary>
public static class VirtioBlock
{
    /// <summary>Bytes per sector: virtio-blk addresses in 512-byte units whatever the block size.</summary>
    public const int SectorSize = 512;
    /// <summary>VIRTIO_BLK_ID_BYTES: length of the GET_ID answer.</summary>
    public const int IdBytes = 20;
    /// <summary>Size of struct virtio_blk_outhdr (type, ioprio, sector).</summary>
    public const int RequestHeaderSize = 16;
    /// <summary>Size of struct virtio_blk_discard_write_zeroes.</summary>
    public const int DiscardSegmentSize = 16;

    /// <summary>VIRTIO_BLK_F_SEG_MAX: seg_max in config is valid.</summary>
    public const int FeatureSegMax = 2;
    /// <summary>VIRTIO_BLK_F_RO: the disk is read-only.</summary>
    public const int FeatureReadOnly = 5;
    /// <summary>VIRTIO_BLK_F_BLK_SIZE: blk_size in config is valid.</summary>
    public const int FeatureBlockSize = 6;
    /// <summary>VIRTIO_BLK_F_FLUSH: the device understands FLUSH.</summary>
    public const int FeatureFlush = 9;
    /// <summary>VIRTIO_BLK_F_DISCARD.</summary>
    public const int FeatureDiscard = 13;
    /// <summary>VIRTIO_BLK_F_WRITE_ZEROES.</summary>
    public const int FeatureWriteZeroes = 14;

    /// <summary>VIRTIO_BLK_T_IN: read.</summary>
    public const uint RequestIn = 0;
    /// <summary>VIRTIO_BLK_T_OUT: write.</summary>
    public const uint RequestOut = 1;
    /// <summary>VIRTIO_BLK_T_FLUSH.</summary>
    public const uint RequestFlush = 4;
    /// <summary>VIRTIO_BLK_T_GET_ID.</summary>
    public const uint RequestGetId = 8;
    /// <summary>VIRTIO_BLK_T_DISCARD.</summary>
    public const uint RequestDiscard = 11;
    /// <summary>VIRTIO_BLK_T_WRITE_ZEROES.</summary>
    public const uint RequestWriteZeroes = 13;

    /// <summary>VIRTIO_BLK_S_OK.</summary>
    public const byte StatusOk = 0;
    /// <summary>VIRTIO_BLK_S_IOERR.</summary>
    public const byte StatusIoError = 1;
    /// <summary>VIRTIO_BLK_S_UNSUPP.</summary>
    public const byte StatusUnsupported = 2;

    /// <summary>VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP.</summary>
    public const uint WriteZeroesFlagUnmap = 1;

    /// <summary>Offsets in struct virtio_blk_config.</summary>
    public const int ConfigCapacity = 0, ConfigSegMax = 12, ConfigBlockSize = 20,
        ConfigMaxDiscardSectors = 36, ConfigMaxDiscardSeg = 40, ConfigDiscardSectorAlignment = 44,
        ConfigMaxWriteZeroesSectors = 48, ConfigMaxWriteZeroesSeg = 52, ConfigWriteZeroesMayUnmap = 56;

    /// <summary>sizeof(struct virtio_blk_config) up to and including the write-zeroes fields (Linux 6.1).</summary>
    public const int ConfigSize = 60;
}
