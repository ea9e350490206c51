namespace Parkway.Machine.Cpu;

/// <summary>A plug or unplug request that cannot be carried out; the message is meant for the requester.</summary>
public sealed class CpuHotplugException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CpuHotplugException(string message)
        : base(message)
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public CpuHotplugException()
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public CpuHotplugException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The outcome of a guest's request to start a CPU (PSCI CPU_ON semantics, architecture-neutral).</summary>
public enum CpuPowerOnResult
{
    /// <summary>The CPU will start at the entry point.</summary>
    Started,
    /// <summary>The CPU is already on.</summary>
    AlreadyOn,
    /// <summary>The CPU exists but is not plugged: policy forbids starting it.</summary>
    Denied,
    /// <summary>No CPU has that id.</summary>
    NoSuchCpu,
}
