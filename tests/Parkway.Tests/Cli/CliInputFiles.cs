using System.Buffers.Binary;

namespace Parkway.Tests.Cli;

/// <summary>Kernel and initrd files for the CLI tests, in a temporary folder removed afterwards.</summary>
public sealed class CliInputFiles : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parkway-cli-" + Guid.NewGuid().ToString("N"));

    public CliInputFiles()
    {
        Directory.CreateDirectory(_directory);
        ValidKernel = WriteImage("Image", imageSize: 1 << 20);
        LargeKernel = WriteImage("Image-40M", imageSize: 40 << 20);
        NotAnImage = Path.Combine(_directory, "notes.txt");
        File.WriteAllText(NotAnImage, string.Concat(Enumerable.Repeat("this is not a kernel image\n", 8)));
        LargeInitrd = Path.Combine(_directory, "initrd-30M");
        using (var initrd = new FileStream(LargeInitrd, FileMode.Create))
        {
            // Sparse: 30 MiB of length without 30 MiB of writes.
            initrd.SetLength(30 << 20);
        }

        Missing = Path.Combine(_directory, "no-such-file");
        Disk = Path.Combine(_directory, "disk.img");
        File.WriteAllBytes(Disk, new byte[8192]);
        OddSizedDisk = Path.Combine(_directory, "odd.img");
        File.WriteAllBytes(OddSizedDisk, new byte[1000]);
        Directory.CreateDirectory(Folder = Path.Combine(_directory, "a-folder"));
    }

    /// <summary>A 16-sector raw disk image.</summary>
    public string Disk { get; }

    /// <summary>A 1000-byte file: not a whole number of sectors.</summary>
    public string OddSizedDisk { get; }

    /// <summary>A directory.</summary>
    public string Folder { get; }

    /// <summary>A 4 KiB little-endian arm64 Image claiming 1 MiB.</summary>
    public string ValidKernel { get; }

    /// <summary>An arm64 Image header claiming 40 MiB (image_size), in a 4 KiB file.</summary>
    public string LargeKernel { get; }

    /// <summary>A text file.</summary>
    public string NotAnImage { get; }

    /// <summary>A 30 MiB initrd.</summary>
    public string LargeInitrd { get; }

    /// <summary>A path that does not exist.</summary>
    public string Missing { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteImage(string name, ulong imageSize)
    {
        byte[] file = new byte[4096];
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(16), imageSize);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(24), 0xA);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(56), 0x644D_5241);
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, file);
        return path;
    }
}
