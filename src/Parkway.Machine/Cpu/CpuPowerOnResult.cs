namespace Parkway.Machine.Cpu;

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
