using Parkway.Kvm;
using Parkway.Machine.Arm64;
using Parkway.Machine.Cpu;

namespace Parkway.Tests.Fakes;

/// <summary>
/// A stand-in architecture for unit-testing the slot state machine without KVM: it creates
/// <see cref="FakeVcpu"/>s (arm64-style MPIDRs from the vCPU id) and records what the CPU manager
/// asked of it. Real-KVM behaviour is proven by the host tests.
/// </summary>
internal sealed class FakeVcpuArchitecture : IVcpuArchitecture
{
    private readonly Lock _lock = new();

    /// <summary>vCPU ids in the order they were reset.</summary>
    public List<int> Resets { get; } = [];

    /// <summary>CPU_ON requests carried out: (vCPU id, entry, context, name of the thread that ran it).</summary>
    public List<(int Id, ulong Entry, ulong Context, string? Thread)> PowerOns { get; } = [];

    /// <summary>Every vCPU created, by id.</summary>
    public Dictionary<int, FakeVcpu> Vcpus { get; } = [];

    public CpuModel Model => Arm64VirtMachine.Arm64CpuModel;

    public IVcpu CreateVcpu(KvmVm vm, int id, bool startsRunning)
    {
        var vcpu = new FakeVcpu(id, v =>
        {
            lock (_lock)
            {
                Resets.Add(v.Id);
            }
        });
        Vcpus[id] = vcpu;
        return vcpu;
    }

    public ulong ReadArchId(IVcpu vcpu) => KvmMpidr.ForVcpuId(vcpu.Id);

    public void PowerOn(IVcpu vcpu, ulong entry, ulong context)
    {
        lock (_lock)
        {
            PowerOns.Add((vcpu.Id, entry, context, Thread.CurrentThread.Name));
        }
    }

    public void PowerOff(IVcpu vcpu) => vcpu.SetMpState(Parkway.Interop.KvmMpState.Stopped);
}
