using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine.Cpu;

namespace Parkway.Machine.Arm64;

/// <summary>
/// The arm64 part of exit handling: SMCCC calls KVM forwards (KVM_EXIT_HYPERCALL) go to the PSCI
/// policy when the SMCCC filter is installed, and are answered NOT_SUPPORTED otherwise. Everything
/// else is the shared <see cref="VcpuExitDispatcher"/>'s.
/// </summary>
public sealed class Arm64ExitHandler : IArchitectureExitHandler
{
    private readonly IHypercallHandler? _hypercalls;

    /// <summary>Creates the handler; <paramref name="hypercalls"/> is null when no calls are forwarded.</summary>
    public Arm64ExitHandler(IHypercallHandler? hypercalls = null) => _hypercalls = hypercalls;

    /// <inheritdoc />
    public VcpuExitAction? HandleExit(CpuSlot slot, KvmRun run)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (run.ExitReason != KvmExitReason.Hypercall)
        {
            return null;
        }

        if (_hypercalls is not null)
        {
            return _hypercalls.Handle(slot);
        }

        // No forwarded calls were requested; answer NOT_SUPPORTED rather than wedge the guest.
        slot.Vcpu.SetRegister(Arm64Registers.X(0), unchecked((ulong)-1L));
        return VcpuExitAction.Continue;
    }
}

/// <summary>Handles SMCCC calls that KVM forwards to userspace (the PSCI policy, when installed).</summary>
public interface IHypercallHandler
{
    /// <summary>Handles the call in <paramref name="slot"/>'s kvm_run page; the result goes into x0.</summary>
    VcpuExitAction Handle(CpuSlot slot);
}
