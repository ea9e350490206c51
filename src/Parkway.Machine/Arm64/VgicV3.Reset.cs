using Parkway.Machine.Snapshot;

namespace Parkway.Machine.Arm64;

/// <summary>
/// The vGIC's part of a machine reset (docs/architecture.md, "Reset"). KVM has no reset for the
/// in-kernel GIC, and KVM_ARM_VCPU_INIT resets a vCPU's registers but not its redistributor, its CPU
/// interface or the distributor. So the state KVM gave the freshly initialised vGIC is read once,
/// before any vCPU runs, and written back on every reset: distributor and redistributors disabled,
/// every interrupt inactive, not pending, disabled, at its reset priority and configuration, every
/// line level low, every CPU interface (ICC) as at power-on. QEMU resets its KVM GICv3 the same way
/// (it writes the register reset values through the same device attributes).
/// </summary>
public sealed partial class VgicV3
{
    private GicSnapshot? _powerOnState;

    /// <summary>
    /// Records the power-on state of every CPU's interface and redistributor (<paramref name="mpidrs"/>:
    /// every slot, parked ones too). Call after <see cref="Initialize"/> and before any vCPU runs.
    /// </summary>
    public void RecordPowerOnState(IReadOnlyList<ulong> mpidrs) => _powerOnState = Save(mpidrs);

    /// <summary>
    /// Puts the whole interrupt controller back into its recorded power-on state. Only while no vCPU
    /// is inside KVM_RUN (every vCPU thread stopped): KVM takes every vCPU's lock for each access.
    /// </summary>
    public void ResetToPowerOnState()
    {
        GicSnapshot state = _powerOnState
            ?? throw new InvalidOperationException("the vGIC's power-on state was not recorded before the first run");
        Restore(state);
    }
}
