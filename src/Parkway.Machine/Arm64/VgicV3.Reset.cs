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
    // What a reset writes back: the distributor and line levels as recorded, and for every slot of
    // Mpidrs the first slot's power-on redistributor and CPU interface (Recorded.Cpus[0]), which
    // KVM gives every vCPU alike.
    private (GicSnapshot Recorded, ulong[] Mpidrs)? _powerOn;

    /// <summary>
    /// Records the power-on state of the distributor and of the CPUs' interfaces and redistributors
    /// (<paramref name="mpidrs"/>: every slot, parked ones too). Call after <see cref="Initialize"/>
    /// and before any vCPU runs.
    /// </summary>
    /// <remarks>
    /// KVM takes every vCPU's lock for each redistributor or CPU-interface access, so reading all N
    /// CPUs costs N² lock operations: 2.6 s at 256 slots in the test host, most of the start-up.
    /// KVM initialises every vCPU's private interrupts and ICC registers alike (kvm_vgic_vcpu_init
    /// and the CPU interface's reset values do not depend on the vCPU), so the first slot is read
    /// once and serves as every CPU's template: N lock operations per access instead of N².
    /// RebootTests reset machines with plugged and parked slots and check the guest comes back.
    /// </remarks>
    public void RecordPowerOnState(IReadOnlyList<ulong> mpidrs)
    {
        ArgumentNullException.ThrowIfNull(mpidrs);
        if (mpidrs.Count == 0)
        {
            throw new ArgumentException("no CPUs", nameof(mpidrs));
        }

        _powerOn = (Save([mpidrs[0]]), [.. mpidrs]);
    }

    /// <summary>
    /// Puts the whole interrupt controller back into its recorded power-on state. Only while no vCPU
    /// is inside KVM_RUN (every vCPU thread stopped): KVM takes every vCPU's lock for each access.
    /// </summary>
    public void ResetToPowerOnState()
    {
        (GicSnapshot recorded, ulong[] mpidrs) = _powerOn
            ?? throw new InvalidOperationException("the vGIC's power-on state was not recorded before the first run");
        GicCpuSnapshot template = recorded.Cpus[0];
        Restore(recorded with { Cpus = [.. mpidrs.Select(mpidr => template with { Mpidr = mpidr })] });
    }
}
