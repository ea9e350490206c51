using System.Runtime.InteropServices;

namespace Parkway.Interop;

/// <summary>The errno values Parkway reacts to by name (asm-generic/errno-base.h, errno.h).</summary>
public static class Errno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;
    /// <summary>No such file or directory.</summary>
    public const int ENOENT = 2;
    /// <summary>Interrupted system call.</summary>
    public const int EINTR = 4;
    /// <summary>No such device or address.</summary>
    public const int ENXIO = 6;
    /// <summary>Try again.</summary>
    public const int EAGAIN = 11;
    /// <summary>Out of memory.</summary>
    public const int ENOMEM = 12;
    /// <summary>Permission denied.</summary>
    public const int EACCES = 13;
    /// <summary>Device or resource busy.</summary>
    public const int EBUSY = 16;
    /// <summary>File exists.</summary>
    public const int EEXIST = 17;
    /// <summary>No such device.</summary>
    public const int ENODEV = 19;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>Inappropriate ioctl for device.</summary>
    public const int ENOTTY = 25;
    /// <summary>Function not implemented.</summary>
    public const int ENOSYS = 38;

    /// <summary>errno of the last failed call made through <see cref="Libc"/> on this thread.</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    /// <summary>The C library's message for an errno value, e.g. "Device or resource busy".</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
