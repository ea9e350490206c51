namespace Parkway.Acpi.Registers;

/// <summary>
/// The CPU manager's side of the CPU hotplug register block. Slots are possible-CPU indices
/// (equal to ACPI processor UIDs). The register block never calls it while holding its own lock,
/// so an implementation may take its own locks (the CPU manager's ranks before every device lock)
/// and may block (e.g. wait for a vCPU thread to park) without stalling other vCPUs' register accesses.
/// </summary>
public interface ICpuHotplugBackend
{
    /// <summary>Number of possible CPUs (valid selectors are 0 .. count-1).</summary>
    int PossibleCpuCount { get; }

    /// <summary>Whether the slot's CPU is plugged (the <c>_STA</c> enabled bit).</summary>
    bool IsEnabled(int slot);

    /// <summary>Whether an insert (device check) event is pending for the slot.</summary>
    bool IsInserting(int slot);

    /// <summary>Whether a remove (eject request) event is pending for the slot.</summary>
    bool IsRemoving(int slot);

    /// <summary>
    /// Whether the guest may eject the slot now: an unplug was requested and has not completed.
    /// Distinct from <see cref="IsRemoving"/>: the guest acknowledges (clears) the remove event in
    /// its scan, before it offlines the CPU and evaluates <c>_EJ0</c>.
    /// </summary>
    bool IsEjectAllowed(int slot);

    /// <summary>The guest acknowledged the insert event.</summary>
    void ClearInsert(int slot);

    /// <summary>The guest acknowledged the remove event.</summary>
    void ClearRemove(int slot);

    /// <summary>
    /// The guest ejected the slot's CPU. Called only for a slot in range that is not a boot CPU and
    /// for which <see cref="IsEjectAllowed"/> was just true. The implementation checks again
    /// atomically and returns false (ejecting nothing) when the request was withdrawn or already
    /// completed meanwhile, e.g. by another vCPU racing the same eject.
    /// </summary>
    bool Eject(int slot);

    /// <summary>Whether the slot can never be ejected (boot CPU and every CPU Enabled in the MADT).</summary>
    bool IsBootCpu(int slot);

    /// <summary>The slot's architecture id (MPIDR on arm64, APIC id on x86).</summary>
    ulong ArchId(int slot);

    /// <summary>The guest reported <c>_OST</c> (event, status) for the slot's CPU.</summary>
    void OnOst(int slot, uint ostEvent, uint ostStatus);
}
