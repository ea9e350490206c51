namespace Parkway.Machine;

/// <summary>Which QMP error class a refused request maps to.</summary>
public enum MachineErrorKind
{
    /// <summary>QMP GenericError.</summary>
    Generic,
    /// <summary>QMP DeviceNotFound.</summary>
    DeviceNotFound,
}

/// <summary>
/// A control-plane request the machine refuses (a plug, an unplug, the power button, a reset), with
/// QEMU's wording where QEMU has one. The one refusal type from the machine to the QMP reply: the
/// CPU manager, the hot-plug controller and the machine throw it, the QMP glue maps
/// <see cref="Kind"/> to the error class once.
/// </summary>
public sealed class MachineRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MachineRequestException(MachineErrorKind kind, string message)
        : base(message) => Kind = kind;

    /// <summary>A <see cref="MachineErrorKind.Generic"/> refusal.</summary>
    public MachineRequestException(string message)
        : base(message) => Kind = MachineErrorKind.Generic;

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public MachineRequestException()
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public MachineRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The error class.</summary>
    public MachineErrorKind Kind { get; }
}
