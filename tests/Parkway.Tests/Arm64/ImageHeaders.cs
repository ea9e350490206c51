using System.Buffers.Binary;

namespace Parkway.Tests.Arm64;

/// <summary>Builds arm64 Image headers (booting.rst layout) and finds the file fixtures.</summary>
internal static class ImageHeaders
{
    public const ulong FlagsLittleEndian4K = 0xA;

    public static byte[] Build(ulong textOffset, ulong imageSize, ulong flags = FlagsLittleEndian4K, uint magic = 0x644D_5241)
    {
        var header = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), textOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), imageSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(56), magic);
        return header;
    }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}
