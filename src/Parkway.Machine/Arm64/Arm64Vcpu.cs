using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Kvm.Arm64;
using Parkway.Machine.Cpu;

namespace Parkway.Machine.Arm64;

/// <summary>
/// An arm64 KVM vCPU: its reset is KVM_ARM_VCPU_INIT with the VM's powered-off template, which
/// resets every register (MPIDR keeps its value: it derives from the vCPU id).
/// </summary>
public sealed class Arm64Vcpu : KernelVcpu
{
    private readonly KvmVcpuInit _poweredOff;

    internal Arm64Vcpu(KvmVcpu vcpu, KvmVcpuInit poweredOff)
        : base(vcpu) => _poweredOff = poweredOff;

    /// <inheritdoc />
    protected override void ResetCore() => Kvm.ArmInit(_poweredOff);

    /// <summary>The KVM vCPU, for the arm64 vCPU attributes (PMU, stolen time); no thread may run it meanwhile.</summary>
    internal KvmVcpu Kernel => Kvm;

    /// <summary>Makes an external data abort pending: the guest takes it at its next entry.</summary>
    public void InjectExternalDataAbort() => Kvm.InjectExternalDataAbort();

    /// <summary>KVM_ARM_VCPU_INIT with <paramref name="init"/> (the first initialisation).</summary>
    internal void Initialize(in KvmVcpuInit init) => Kvm.ArmInit(init);
}
