using Parkway.Acpi.Registers;

namespace Parkway.Machine.Cpu;

/// <summary>
/// Connects the ACPI CPU hotplug register block (the guest's view) to the <see cref="CpuManager"/>
/// (the truth): _STA's Enabled bit is the slot's plugged state, insert/remove events are the
/// pending plug/unplug, an eject completes an unplug.
/// </summary>
public sealed class CpuHotplugBackend : ICpuHotplugBackend
{
    private readonly CpuManager _cpus;

    /// <summary>Creates the backend.</summary>
    public CpuHotplugBackend(CpuManager cpus) => _cpus = cpus;

    /// <inheritdoc />
    public int PossibleCpuCount => _cpus.Slots.Count;

    /// <inheritdoc />
    public bool IsEnabled(int slot) => _cpus.Slots[slot].IsEnabled;

    /// <inheritdoc />
    public bool IsInserting(int slot) => _cpus.Slots[slot].IsInserting;

    /// <inheritdoc />
    public bool IsRemoving(int slot) => _cpus.Slots[slot].IsRemoving;

    /// <inheritdoc />
    public bool IsEjectAllowed(int slot) => _cpus.Slots[slot].IsRemovePending;

    /// <inheritdoc />
    public void ClearInsert(int slot) => _cpus.ClearInsert(slot);

    /// <inheritdoc />
    public void ClearRemove(int slot) => _cpus.ClearRemove(slot);

    /// <inheritdoc />
    public bool Eject(int slot) => _cpus.Eject(slot);

    /// <inheritdoc />
    public bool IsBootCpu(int slot) => _cpus.Slots[slot].IsBootCpu;

    /// <inheritdoc />
    public ulong ArchId(int slot) => _cpus.Slots[slot].ArchId;

    /// <inheritdoc />
    public void OnOst(int slot, uint ostEvent, uint ostStatus) => _cpus.ReportOst(slot, ostEvent, ostStatus);
}
