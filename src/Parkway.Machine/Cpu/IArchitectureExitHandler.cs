using Parkway.Kvm;

namespace Parkway.Machine.Cpu;

/// <summary>
/// The architecture's part of exit handling: the exits <see cref="VcpuExitDispatcher"/> does not
/// handle itself (arm64: SMCCC calls forwarded as KVM_EXIT_HYPERCALL). Runs on the vCPU's thread.
/// </summary>
public interface IArchitectureExitHandler
{
    /// <summary>
    /// Handles the exit in <paramref name="run"/>; null when the architecture does not know it
    /// either, which the dispatcher treats as fatal.
    /// </summary>
    VcpuExitAction? HandleExit(CpuSlot slot, KvmRun run);
}
