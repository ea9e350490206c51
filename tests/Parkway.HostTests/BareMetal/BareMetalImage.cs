using System.Buffers.Binary;

namespace Parkway.HostTests.BareMetal;

/// <summary>
/// Wraps bare-metal code in an arm64 Linux Image header (booting.rst) so <c>parkway run --kernel</c>
/// loads it: code0 branches over the 64-byte header, text_offset 0, image_size = the file, LE.
/// </summary>
public static class BareMetalImage
{
    /// <summary>Builds the Image bytes; <paramref name="code"/> runs at load address + 64.</summary>
    public static byte[] Wrap(byte[] code)
    {
        byte[] image = new byte[64 + code.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(image, 0x1400_0010);          // b +64
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(8), 0);          // text_offset
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(16), (ulong)image.Length); // image_size
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(24), 0);         // flags: LE
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(56), 0x644D_5241); // "ARM\x64"
        code.CopyTo(image, 64);
        return image;
    }
}
