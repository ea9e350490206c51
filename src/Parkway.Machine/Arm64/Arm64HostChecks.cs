using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine.Config;

namespace Parkway.Machine.Arm64;

/// <summary>
/// Checks, before anything is built, that this host's KVM can run the requested machine, and turns
/// each shortfall into a message that names the missing capability.
/// </summary>
public static class Arm64HostChecks
{
    /// <summary>Checks system-wide capabilities and the vCPU limit.</summary>
    public static void CheckSystem(KvmSystem kvm, CpuConfig cpus)
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.Arm64)
        {
            throw new KvmUnavailableException(
                $"the arm64 virt machine needs an arm64 Linux host with KVM (this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription} on {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture})", 0);
        }

        if (kvm.CheckExtension(KvmCapability.ArmPsci02) == 0)
        {
            throw new KvmUnavailableException("this host's KVM lacks PSCI 0.2 (KVM_CAP_ARM_PSCI_0_2)", 0);
        }

        int maxVcpus = kvm.MaxVcpus;
        if (cpus.Max > maxVcpus)
        {
            throw new ConfigurationException(
                $"--cpus: max={cpus.Max} exceeds this host's KVM limit of {maxVcpus} vCPUs per VM (KVM_CAP_MAX_VCPUS)");
        }
    }

    /// <summary>Checks VM-level support: the in-kernel GICv3.</summary>
    public static void CheckVm(KvmVm vm)
    {
        if (!vm.SupportsDevice(VgicV3.DeviceType))
        {
            throw new KvmUnavailableException(
                "this host's KVM cannot create an in-kernel GICv3 (KVM_DEV_TYPE_ARM_VGIC_V3); Parkway needs a GICv3 host", 0);
        }
    }
}
