namespace Parkway.Machine.Snapshot;

/// <summary>
/// A vCPU whose whole register state can be saved and put back: every register KVM lists, with
/// its bytes. Called on the vCPU's own thread (or while it has none), like every vCPU ioctl.
/// </summary>
public interface ISnapshotVcpu
{
    /// <summary>Every register KVM lists for this vCPU, read now.</summary>
    IReadOnlyList<VcpuRegister> SaveRegisters();

    /// <summary>Writes every register back, in the order given.</summary>
    void RestoreRegisters(IReadOnlyList<VcpuRegister> registers);
}
