namespace Parkway.Virtio.Devices.Block;

/// <summary>
/// Where a virtio-blk disk's bytes live. Offsets and lengths are in bytes and already checked
/// against <see cref="Length"/> by the device. Host failures are <see cref="IOException"/>s; the
/// device turns each into VIRTIO_BLK_S_IOERR for that request alone.
/// </summary>
public interface IBlockBackend : IDisposable
{
    /// <summary>Size of the disk in bytes (a multiple of 512).</summary>
    long Length { get; }

    /// <summary>True when discard and write-zeroes can be done without writing data (hole punching).</summary>
    bool SupportsDiscard { get; }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>.</summary>
    void Read(long offset, Span<byte> destination);

    /// <summary>Writes <paramref name="source"/> at <paramref name="offset"/>.</summary>
    void Write(long offset, ReadOnlySpan<byte> source);

    /// <summary>
    /// Fills <paramref name="pieces"/> in order from <paramref name="offset"/> (one preadv where it
    /// can). The pieces point into memory that does not move during the call, at most
    /// <see cref="Parkway.Interop.Libc.IOV_MAX"/> of them; the backend may modify the span's entries.
    /// </summary>
    void ReadVector(long offset, Span<Parkway.Interop.IoVector> pieces);

    /// <summary>Writes <paramref name="pieces"/> in order at <paramref name="offset"/>; as for <see cref="ReadVector"/>.</summary>
    void WriteVector(long offset, Span<Parkway.Interop.IoVector> pieces);

    /// <summary>Makes completed writes durable (fdatasync).</summary>
    void Flush();

    /// <summary>Lets the host free [offset, +length); reads then return zeros.</summary>
    void Discard(long offset, long length);

    /// <summary>Makes [offset, +length) read as zeros; <paramref name="mayUnmap"/> allows freeing the space.</summary>
    void WriteZeroes(long offset, long length, bool mayUnmap);
}
