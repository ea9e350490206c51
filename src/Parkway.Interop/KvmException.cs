namespace Parkway.Interop;

/// <summary>
/// A KVM ioctl (or the open/mmap around it) failed. Carries the errno and the name of the call, so
/// a message reads "KVM_CREATE_VCPU failed: Device or resource busy (EBUSY 16)" rather than a number.
/// </summary>
public class KvmException : Exception
{
    /// <summary>Creates the exception for a failed call.</summary>
    public KvmException(string operation, int errno)
        : base($"{operation} failed: {Errno.Describe(errno)} (errno {errno})")
    {
        Operation = operation;
        ErrorNumber = errno;
    }

    /// <summary>Creates an exception with a custom message.</summary>
    public KvmException(string operation, int errno, string message)
        : base(message)
    {
        Operation = operation;
        ErrorNumber = errno;
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public KvmException()
        : this("KVM", 0)
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public KvmException(string message)
        : base(message)
    {
        Operation = "KVM";
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public KvmException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = "KVM";
    }

    /// <summary>The ioctl or libc call that failed, e.g. "KVM_CREATE_VCPU".</summary>
    public string Operation { get; }

    /// <summary>The errno it failed with.</summary>
    public int ErrorNumber { get; }
}
