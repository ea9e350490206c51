using System.Runtime.CompilerServices;
using Parkway.Kvm;
using Parkway.Machine.Arm64;
using Parkway.Machine.Cpu;

namespace Parkway.Tests.Hotplug;

/// <summary>
/// A stand-in architecture for unit-testing the slot state machine without KVM: its "vCPUs" are
/// never run (no thread is started unless a test calls <see cref="CpuManager.Start"/>), and it
/// records what the CPU manager asked of it. Real-KVM behaviour is proven by the host tests.
/// </summary>
internal sealed class FakeVcpuArchitecture : IVcpuArchitecture
{
    public List<int> Resets { get; } = [];

    public KvmVcpu CreateVcpu(KvmVm vm, int id, bool startsRunning)
    {
        var vcpu = (KvmVcpu)RuntimeHelpers.GetUninitializedObject(typeof(KvmVcpu));
        // The id is the only state the manager reads from a vCPU it does not run.
        typeof(KvmVcpu).GetField("<Id>k__BackingField", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
            .SetValue(vcpu, id);
        return vcpu;
    }

    public ulong ReadArchId(KvmVcpu vcpu) => KvmMpidr.ForVcpuId(vcpu.Id);

    public void ResetPoweredOff(KvmVcpu vcpu) => Resets.Add(vcpu.Id);

    public void PowerOn(KvmVcpu vcpu, ulong entry, ulong context)
    {
    }

    public void PowerOff(KvmVcpu vcpu)
    {
    }
}
