using System.Buffers.Binary;
using Parkway.Machine.Config;

namespace Parkway.Machine.Arm64;

/// <summary>
/// The 64-byte header of an arm64 Linux <c>Image</c> (Documentation/arch/arm64/booting.rst):
/// where to place the kernel (text_offset from a 2 MiB aligned base) and how much memory it
/// claims from there (image_size, including its BSS).
/// </summary>
public sealed record Arm64Image(ulong TextOffset, ulong ImageSize, ulong Flags, long FileSize)
{
    /// <summary>Bytes in the header.</summary>
    public const int HeaderSize = 64;

    /// <summary>"ARM\x64" at offset 56.</summary>
    public const uint Magic = 0x644D_5241;

    /// <summary>Text offset assumed when image_size is 0 (kernels older than 3.17).</summary>
    public const ulong LegacyTextOffset = 0x80000;

    /// <summary>True for a big-endian kernel (flags bit 0): Parkway runs little-endian guests only.</summary>
    public bool IsBigEndian => (Flags & 1) != 0;

    /// <summary>Bytes the kernel occupies from its load address.</summary>
    public ulong EffectiveSize => ImageSize != 0 ? ImageSize : (ulong)FileSize;

    /// <summary>Reads and validates the header of the file at <paramref name="path"/>.</summary>
    public static Arm64Image ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"--kernel: file not found: {path}");
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        long length;
        try
        {
            using var file = File.OpenRead(path);
            length = file.Length;
            int read = file.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
            if (read < HeaderSize)
            {
                throw new ConfigurationException($"--kernel: {path} is not an arm64 Image (only {read} bytes, the header alone is {HeaderSize})");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"--kernel: cannot read {path}: {e.Message}", e);
        }

        return Parse(header, length, path);
    }

    /// <summary>Validates a header; <paramref name="fileSize"/> is the whole file's length.</summary>
    public static Arm64Image Parse(ReadOnlySpan<byte> header, long fileSize, string name = "kernel")
    {
        if (header.Length < HeaderSize)
        {
            throw new ConfigurationException($"--kernel: {name} is not an arm64 Image (shorter than the {HeaderSize}-byte header)");
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header[56..]);
        if (magic != Magic)
        {
            string hint = header[..4].SequenceEqual("\u007fELF"u8) ? " (it is an ELF file: use the arch/arm64/boot/Image, not vmlinux)"
                : header[0] == 0x1F && header[1] == 0x8B ? " (it is gzip-compressed: decompress it first)"
                : header[..2].SequenceEqual("MZ"u8) && magic != Magic ? " (it is a PE/EFI binary without the arm64 Image header)"
                : string.Empty;
            throw new ConfigurationException($"--kernel: {name} is not an arm64 Image: no 'ARM\\x64' magic at offset 56{hint}");
        }

        ulong textOffset = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        ulong imageSize = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        ulong flags = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
        if (imageSize == 0)
        {
            textOffset = LegacyTextOffset;
        }

        var image = new Arm64Image(textOffset, imageSize, flags, fileSize);
        if (image.IsBigEndian)
        {
            throw new ConfigurationException($"--kernel: {name} is a big-endian arm64 Image; Parkway boots little-endian kernels only");
        }

        if (textOffset % 4096 != 0 || textOffset >= 1UL << 30)
        {
            throw new ConfigurationException($"--kernel: {name} has an implausible text_offset 0x{textOffset:x}");
        }

        // image_size covers the file's contents plus the BSS, so it can never be smaller than the file.
        if (imageSize != 0 && imageSize < (ulong)fileSize)
        {
            throw new ConfigurationException($"--kernel: {name} has an implausible image_size 0x{imageSize:x}");
        }

        return image;
    }
}
