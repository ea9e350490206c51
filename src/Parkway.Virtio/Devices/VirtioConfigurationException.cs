namespace Parkway.Virtio.Devices;

/// <summary>A user's device option that cannot work; the message is the whole explanation (CLI: one line, exit 2).</summary>
public sealed class VirtioConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VirtioConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public VirtioConfigurationException()
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public VirtioConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
