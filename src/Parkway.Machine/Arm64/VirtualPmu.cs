using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Kvm.Arm64;

namespace Parkway.Machine.Arm64;

/// <summary>
/// The virtual PMUv3 (Documentation/virt/kvm/devices/vcpu.rst §1): every vCPU, plugged or parked,
/// is initialised with the KVM_ARM_VCPU_PMU_V3 feature when the host has KVM_CAP_ARM_PMU_V3 (KVM
/// wants one feature set for all vCPUs); once the vGIC is initialised each vCPU gets its overflow
/// interrupt (PPI 23, QEMU virt's) and PMU_V3_INIT. The guest finds the PMU through the FDT
/// (<c>arm,armv8-pmuv3</c>) or the MADT GICC's performance interrupt.
/// </summary>
public static class VirtualPmu
{
    /// <summary>The PMU overflow interrupt id: PPI 7 = INTID 23, as on QEMU virt.</summary>
    public const int InterruptId = 23;

    /// <summary>The PPI number the FDT names (INTID − 16).</summary>
    public const uint Ppi = InterruptId - 16;

    /// <summary>True when this host's KVM offers vCPUs a PMUv3.</summary>
    public static bool IsSupported(KvmVm vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        return vm.CheckExtension(KvmArm64Capabilities.ArmPmuV3) > 0;
    }

    /// <summary>
    /// Sets the overflow interrupt and initialises the PMU of one vCPU; after the vGIC's CTRL_INIT.
    /// Again after a vCPU reset (KVM_ARM_VCPU_INIT): KVM keeps both (EBUSY), which is checked by
    /// reading the interrupt back, so a kernel that dropped them gets them set again.
    /// </summary>
    public static void Configure(KvmVcpu vcpu)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        int irq = InterruptId;
        try
        {
            vcpu.SetAttribute(KvmArm64Capabilities.PmuV3Ctrl, KvmArm64Capabilities.PmuV3Irq, ref irq, "KVM_SET_DEVICE_ATTR(PMU_V3_IRQ)");
        }
        catch (KvmException e) when (e.ErrorNumber == Errno.EBUSY)
        {
            int kept = vcpu.GetAttribute<int>(KvmArm64Capabilities.PmuV3Ctrl, KvmArm64Capabilities.PmuV3Irq, "KVM_GET_DEVICE_ATTR(PMU_V3_IRQ)");
            if (kept != InterruptId)
            {
                throw new KvmException("KVM_SET_DEVICE_ATTR(PMU_V3_IRQ)", Errno.EBUSY, $"vCPU {vcpu.Id}: the PMU interrupt is {kept}, not {InterruptId}");
            }
        }

        try
        {
            vcpu.SetAttribute(KvmArm64Capabilities.PmuV3Ctrl, KvmArm64Capabilities.PmuV3Init, "KVM_SET_DEVICE_ATTR(PMU_V3_INIT)");
        }
        catch (KvmException e) when (e.ErrorNumber == Errno.EBUSY)
        {
            // Already initialised: KVM keeps the PMU across KVM_ARM_VCPU_INIT (it resets its counters).
        }
    }
}
