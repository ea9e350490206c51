namespace Parkway.Virtio.Memory;

/// <summary>
/// A guest-supplied address range that is not (entirely) guest RAM. Thrown only by the
/// <see cref="GuestMemoryExtensions"/> helpers; the queue code turns it into a failed request.
/// </summary>
public sealed class GuestMemoryFaultException : Exception
{
    /// <summary>Creates the exception for the refused range.</summary>
    public GuestMemoryFaultException(ulong address, ulong length)
        : base($"guest range 0x{address:x}+0x{length:x} is not in guest RAM")
    {
        Address = address;
        Length = length;
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public GuestMemoryFaultException()
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public GuestMemoryFaultException(string message)
        : base(message)
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public GuestMemoryFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Start of the refused range.</summary>
    public ulong Address { get; }

    /// <summary>Length of the refused range.</summary>
    public ulong Length { get; }
}
