namespace Parkway.Machine.Hotplug;

/// <summary>Which QMP error class a refused hot-plug request maps to.</summary>
public enum HotplugErrorKind
{
    /// <summary>QMP GenericError.</summary>
    Generic,
    /// <summary>QMP DeviceNotFound.</summary>
    DeviceNotFound,
}

/// <summary>A refused plug/unplug request, with QEMU's wording where QEMU has one.</summary>
public sealed class HotplugRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HotplugRequestException(HotplugErrorKind kind, string message)
        : base(message) => Kind = kind;

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public HotplugRequestException()
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public HotplugRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public HotplugRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The error class.</summary>
    public HotplugErrorKind Kind { get; }
}
