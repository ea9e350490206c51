using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Kvm.Arm64;
using Parkway.Machine.Cpu;

namespace Parkway.Machine.Arm64;

/// <summary>
/// Creates arm64 vCPUs from one init template: KVM_ARM_PREFERRED_TARGET is asked once per VM,
/// every vCPU gets PSCI 0.2, and all but the first start powered off (the guest starts them with
/// PSCI CPU_ON). Apart from KVM_ARM_VCPU_INIT only MPIDR_EL1 is read: three ioctls per possible
/// vCPU, nothing more until a CPU is plugged.
/// </summary>
public sealed class Arm64VcpuArchitecture : IVcpuArchitecture
{
    private const int FeaturePowerOff = 0;
    private const int FeaturePsci02 = 2;

    private readonly KvmVcpuInit _template;

    /// <summary>
    /// Computes the template from the VM's preferred target; with <paramref name="withPmu"/> every
    /// vCPU gets the PMUv3 feature (KVM wants the same features on all of them).
    /// </summary>
    public Arm64VcpuArchitecture(KvmVm vm, bool withPmu = false)
    {
        _template = vm.ArmPreferredTarget();
        unsafe
        {
            // SAFETY: Features is a fixed buffer of 7 words inside the local struct.
            for (int i = 0; i < 7; i++)
            {
                _template.Features[i] = 0;
            }

            _template.Features[0] = 1u << FeaturePsci02;
            if (withPmu)
            {
                _template.Features[0] |= 1u << KvmArm64Capabilities.FeaturePmuV3;
            }
        }
    }

    /// <inheritdoc />
    public CpuModel Model => Arm64VirtMachine.Arm64CpuModel;

    /// <summary>The init structure for a vCPU that starts powered off or on.</summary>
    public KvmVcpuInit InitFor(bool startsRunning)
    {
        KvmVcpuInit init = _template;
        if (!startsRunning)
        {
            unsafe
            {
                // SAFETY: word 0 of the fixed feature buffer of a local copy.
                init.Features[0] |= 1u << FeaturePowerOff;
            }
        }

        return init;
    }

    /// <inheritdoc />
    public IVcpu CreateVcpu(KvmVm vm, int id, bool startsRunning)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var vcpu = new Arm64Vcpu(vm.CreateVcpu(id), InitFor(startsRunning: false));
        try
        {
            vcpu.Initialize(InitFor(startsRunning));
            return vcpu;
        }
        catch
        {
            vcpu.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ulong ReadArchId(IVcpu vcpu)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        return vcpu.GetRegister(Arm64Registers.MpidrEl1);
    }

    /// <inheritdoc />
    /// <remarks>
    /// What PSCI CPU_ON does to the target (PSCI spec §6.4): a reset CPU entering at
    /// <paramref name="entry"/> in EL1h with DAIF masked and x0 = <paramref name="context"/>.
    /// </remarks>
    public void PowerOn(IVcpu vcpu, ulong entry, ulong context)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        vcpu.Reset();
        vcpu.SetRegister(Arm64Registers.Pc, entry);
        vcpu.SetRegister(Arm64Registers.X(0), context);
        vcpu.SetRegister(Arm64Registers.Pstate, Arm64Registers.PstateEl1hAllMasked);
        vcpu.SetMpState(KvmMpState.Runnable);
    }

    /// <inheritdoc />
    /// <remarks>STOPPED is also what KVM's in-kernel AFFINITY_INFO reads to report the CPU off.</remarks>
    public void PowerOff(IVcpu vcpu)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        vcpu.SetMpState(KvmMpState.Stopped);
    }
}
