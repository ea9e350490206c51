using System.Runtime.InteropServices;

namespace Parkway.Interop;

/// <summary>
/// Owns one Linux file descriptor and closes it exactly once. Unlike the BCL's
/// SafeHandleZeroOrMinusOneIsInvalid, only -1 is invalid: fd 0 is a real descriptor.
/// Reference counting makes an ioctl racing with Dispose safe (the fd cannot be reused under it).
/// </summary>
public sealed class SafeFdHandle : SafeHandle
{
    /// <summary>Creates an invalid handle (used by the marshaller).</summary>
    public SafeFdHandle()
        : base(new IntPtr(-1), ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public SafeFdHandle(int fd)
        : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == new IntPtr(-1);

    /// <summary>The raw descriptor number (for /proc checks and logging only).</summary>
    public int Number => (int)handle;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
