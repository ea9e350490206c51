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
    // What a reset writes back: the distributor and line levels as recorded, and for every CPU the
    // recorded power-on redistributor and CPU interface, which KVM gives every vCPU alike.
    private GicSnapshot? _powerOnDistributor;
    private GicCpuSnapshot? _powerOnCpuTemplate;
    private ulong[] _powerOnMpidrs = [];

    /// <summary>
    /// Records the power-on state of the distributor and of the CPUs' interfaces and redistributors
    /// (<paramref name="mpidrs"/>: every slot, parked ones too). Call after <see cref="Initialize"/>
    /// and before any vCPU runs.
    /// </summary>
    /// <remarks>
    /// KVM takes every vCPU's lock for each redistributor or CPU-interface access, so reading all N
    /// CPUs costs N² lock operations: 2.6 s at 256 slots in the test host, most of the start-up.
    /// A fresh vGIC gives every vCPU the same private-interrupt and ICC state, so only the first and
    /// the last slot are read and the first serves as the template for all; if the two ever differ
    /// (a KVM that initialises vCPUs differently), every CPU is read after all.
    /// </remarks>
    public void RecordPowerOnState(IReadOnlyList<ulong> mpidrs)
    {
        ArgumentNullException.ThrowIfNull(mpidrs);
        if (mpidrs.Count == 0)
        {
            throw new ArgumentException("no CPUs", nameof(mpidrs));
        }

        GicSnapshot sample = Save(mpidrs.Count == 1 ? [mpidrs[0]] : [mpidrs[0], mpidrs[^1]]);
        if (SamePowerOnState(sample.Cpus[0], sample.Cpus[^1]))
        {
            _powerOnDistributor = sample with { Cpus = [] };
            _powerOnCpuTemplate = sample.Cpus[0];
        }
        else
        {
            _powerOnDistributor = Save(mpidrs);
            _powerOnCpuTemplate = null;
        }

        _powerOnMpidrs = [.. mpidrs];
    }

    /// <summary>
    /// Puts the whole interrupt controller back into its recorded power-on state. Only while no vCPU
    /// is inside KVM_RUN (every vCPU thread stopped): KVM takes every vCPU's lock for each access.
    /// </summary>
    public void ResetToPowerOnState()
    {
        GicSnapshot recorded = _powerOnDistributor
            ?? throw new InvalidOperationException("the vGIC's power-on state was not recorded before the first run");
        Restore(_powerOnCpuTemplate is { } template
            ? recorded with { Cpus = [.. _powerOnMpidrs.Select(mpidr => template with { Mpidr = mpidr })] }
            : recorded);
    }

    private static bool SamePowerOnState(GicCpuSnapshot a, GicCpuSnapshot b) =>
        a.Redistributor.SequenceEqual(b.Redistributor) && a.CpuInterface.SequenceEqual(b.CpuInterface);
}
