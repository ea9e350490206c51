using Microsoft.Win32.SafeHandles;

namespace Parkway.Machine.Memory;

/// <summary>
/// The kernel and initramfs files, opened once when the machine is built and kept open for its
/// life. A reset loads the guest again from these handles with pread: by then the seccomp filters
/// are on and no thread may open a file (docs/reliability.md), and the guest that boots again is
/// the one the machine was started with even if the paths were replaced meanwhile.
/// </summary>
public sealed class BootPayloadFiles : IDisposable
{
    private BootPayloadFiles(SafeFileHandle kernel, SafeFileHandle? initramfs)
    {
        Kernel = kernel;
        Initramfs = initramfs;
    }

    /// <summary>The kernel image, read-only.</summary>
    public SafeFileHandle Kernel { get; }

    /// <summary>The initramfs, read-only; null when the machine has none.</summary>
    public SafeFileHandle? Initramfs { get; }

    /// <summary>Opens both files for reading.</summary>
    public static BootPayloadFiles Open(string kernelPath, string? initramfsPath)
    {
        SafeFileHandle kernel = File.OpenHandle(kernelPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            SafeFileHandle? initramfs = initramfsPath is null ? null : File.OpenHandle(initramfsPath, FileMode.Open, FileAccess.Read, FileShare.Read);
            return new BootPayloadFiles(kernel, initramfs);
        }
        catch
        {
            kernel.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kernel.Dispose();
        Initramfs?.Dispose();
    }
}
