namespace Parkway.Machine.Config;

/// <summary>
/// The user asked for something that cannot work (bad option value, kernel file that is not an
/// arm64 Image, more vCPUs than KVM allows, memory too small...). The CLI prints the message as
/// one line on stderr and exits with code 2; nothing has been started when it is thrown.
/// </summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public ConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a user-facing message and the underlying cause.</summary>
    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public ConfigurationException()
    {
    }
}
