using Parkway.Interop;
using Parkway.Kvm;

namespace Parkway.Machine.Arm64;

/// <summary>
/// Installs KVM's SMCCC filter (Linux ≥ 6.4, Documentation/virt/kvm/devices/vm.rst §6) so PSCI
/// CPU_ON and CPU_OFF reach Parkway instead of KVM's in-kernel PSCI. Only then can Parkway answer
/// DENIED for a CPU that exists in KVM but is not plugged — without it the guest could start a
/// parked vCPU that no thread runs. Must be installed before any vCPU runs (EBUSY after).
/// </summary>
public static class SmcccFilter
{
    private const uint GroupSmcccControl = 0;    // KVM_ARM_VM_SMCCC_CTRL
    private const ulong AttributeFilter = 0;     // KVM_ARM_VM_SMCCC_FILTER
    private const byte ActionForwardToUser = 2;  // KVM_SMCCC_FILTER_FWD_TO_USER

    /// <summary>True when this host's KVM supports the filter.</summary>
    public static bool IsSupported(KvmVm vm) => vm.HasAttribute(GroupSmcccControl, AttributeFilter);

    /// <summary>Forwards CPU_OFF and both CPU_ON conventions to userspace.</summary>
    public static void ForwardCpuPowerCalls(KvmVm vm)
    {
        // CPU_OFF and 32-bit CPU_ON are adjacent ids: one range of two.
        Forward(vm, Psci.CpuOff, 2);
        Forward(vm, Psci.CpuOn64, 1);
    }

    private static void Forward(KvmVm vm, uint first, uint count)
    {
        var filter = new KvmSmcccFilter { Base = first, FunctionCount = count, Action = ActionForwardToUser };
        vm.SetAttribute(GroupSmcccControl, AttributeFilter, ref filter, "KVM_SET_DEVICE_ATTR(SMCCC filter)");
    }
}
