using Parkway.Kvm;
using Parkway.Machine.Snapshot;

namespace Parkway.Machine.Cpu;

/// <summary>A KVM vCPU's registers for snapshots: KVM_GET_REG_LIST, then one KVM_GET/SET_ONE_REG per register.</summary>
public abstract partial class KernelVcpu : ISnapshotVcpu
{
    /// <inheritdoc />
    public IReadOnlyList<VcpuRegister> SaveRegisters()
    {
        AssertNoManagerLock();
        ulong[] ids = Kvm.RegisterList();
        var registers = new VcpuRegister[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            registers[i] = new VcpuRegister(ids[i], Kvm.GetRegisterBytes(ids[i]));
        }

        return registers;
    }

    /// <inheritdoc />
    public void RestoreRegisters(IReadOnlyList<VcpuRegister> registers)
    {
        ArgumentNullException.ThrowIfNull(registers);
        AssertNoManagerLock();
        foreach (VcpuRegister register in registers)
        {
            Kvm.SetRegisterBytes(register.Id, register.Value);
        }
    }
}
