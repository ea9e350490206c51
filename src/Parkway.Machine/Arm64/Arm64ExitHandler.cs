using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine.Cpu;
using Parkway.Virtio.Diagnostics;

namespace Parkway.Machine.Arm64;

/// <summary>
/// The arm64 part of exit handling: SMCCC calls KVM forwards (KVM_EXIT_HYPERCALL) go to the PSCI
/// policy when the SMCCC filter is installed, and are answered NOT_SUPPORTED otherwise. A data
/// abort KVM could not decode (KVM_EXIT_ARM_NISV: e.g. a load pair on a device register) is
/// answered with an external data abort into the guest, as hardware reports a bus error, and
/// logged rate-limited: a guest must not be able to stop the VMM with one instruction. Everything
/// else is the shared <see cref="VcpuExitDispatcher"/>'s.
/// </summary>
public sealed class Arm64ExitHandler : IArchitectureExitHandler
{
    private readonly IHypercallHandler? _hypercalls;
    private readonly GuestErrorLog? _guestErrors;

    /// <summary>
    /// Creates the handler; <paramref name="hypercalls"/> is null when no calls are forwarded,
    /// <paramref name="guestErrors"/> receives undecodable accesses (not logged when null).
    /// </summary>
    public Arm64ExitHandler(IHypercallHandler? hypercalls = null, GuestErrorLog? guestErrors = null)
    {
        _hypercalls = hypercalls;
        _guestErrors = guestErrors;
    }

    /// <inheritdoc />
    public VcpuExitAction? HandleExit(CpuSlot slot, KvmRun run)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (run.ExitReason == KvmExitReason.ArmNisv && slot.Vcpu is Arm64Vcpu vcpu)
        {
            _guestErrors?.Report(
                $"vCPU {slot.Index}", "AccessWithoutSyndrome",
                $"access at 0x{run.ArmNisvFaultIpa:x} that KVM cannot decode (ESR ISS 0x{run.ArmNisvEsrIss:x}, e.g. a load/store pair on MMIO); external data abort injected");
            vcpu.InjectExternalDataAbort();
            return VcpuExitAction.Continue;
        }

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
