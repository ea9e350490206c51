namespace Parkway.Acpi.Registers;

/// <summary>
/// Each distinct kind of guest access the ACPI register blocks refuse. The machine's log is
/// rate-limited per (block, kind): a guest repeating one mistake in a loop produces one line per
/// interval, while a different mistake is still reported at once.
/// </summary>
public enum RegisterFaultKind
{
    /// <summary>A read or write of a size or at an offset the block does not accept.</summary>
    BadAccess,
    /// <summary>A write to a register other than the selector while the selector names no CPU.</summary>
    SelectorOutOfRange,
    /// <summary>A write to a reserved offset.</summary>
    ReservedOffset,
    /// <summary>Control flags with no bit the block acts on (bit 0, bit 4 or bits 5-7 only).</summary>
    UnknownControlFlags,
    /// <summary>A command number the block does not know.</summary>
    UnknownCommand,
    /// <summary>An eject of a CPU that can never be ejected (the boot CPU, a CPU Enabled in the MADT).</summary>
    BootCpuEject,
    /// <summary>An eject of a CPU the host did not ask to unplug (or whose request was withdrawn meanwhile).</summary>
    EjectWithoutRequest,
    /// <summary>A write to a read-only register.</summary>
    ReadOnlyWrite,
}

/// <summary>One refused guest access: its kind (what the log rate-limits on) and what exactly it was.</summary>
/// <param name="Kind">The kind of mistake.</param>
/// <param name="Detail">The access, for the log line (offset, size, selector, value).</param>
public readonly record struct RegisterFault(RegisterFaultKind Kind, string Detail);
