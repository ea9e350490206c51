using Microsoft.Extensions.Logging;
using Parkway.Machine.Cpu;

namespace Parkway.Machine.Arm64;

/// <summary>
/// Parkway's PSCI policy for the calls the SMCCC filter forwards: CPU_ON starts only plugged CPUs
/// (DENIED for parked ones), CPU_OFF stops the caller. Everything else stays in KVM.
/// Runs on the calling vCPU's thread; the PC is already past the HVC, the result goes in x0.
/// </summary>
public sealed partial class PsciHandler : IHypercallHandler
{
    private readonly CpuManager _cpus;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    public PsciHandler(CpuManager cpus, ILogger logger)
    {
        _cpus = cpus;
        _logger = logger;
    }

    /// <inheritdoc />
    public VcpuExitAction Handle(CpuSlot slot)
    {
        var vcpu = slot.Vcpu;
        ulong function = vcpu.RunState.HypercallNumber;
        long result;
        switch (function)
        {
            case Psci.CpuOn64:
            case Psci.CpuOn32:
                // Only the registers needed are read: each ONE_REG is an ioctl.
                ulong mask = function == Psci.CpuOn32 ? uint.MaxValue : ulong.MaxValue;
                ulong target = vcpu.GetRegister(Arm64Registers.X(1)) & mask;
                ulong entry = vcpu.GetRegister(Arm64Registers.X(2)) & mask;
                ulong context = vcpu.GetRegister(Arm64Registers.X(3)) & mask;
                CpuSlot? targetSlot = _cpus.FindByArchId(target, Psci.MpidrAffinityMask);
                CpuPowerOnResult outcome = _cpus.PowerOn(targetSlot, entry, context);
                result = outcome switch
                {
                    CpuPowerOnResult.Started => Psci.Success,
                    CpuPowerOnResult.AlreadyOn => Psci.AlreadyOn,
                    CpuPowerOnResult.Denied => Psci.Denied,
                    _ => Psci.InvalidParameters,
                };
                Log.CpuOn(_logger, slot.Index, target, outcome);
                break;
            case Psci.CpuOff:
                _cpus.PowerOffSelf(slot);
                // CPU_OFF does not return on success; x0 is irrelevant when the CPU next starts.
                return VcpuExitAction.Continue;
            default:
                result = Psci.NotSupported;
                break;
        }

        vcpu.SetRegister(Arm64Registers.X(0), unchecked((ulong)result));
        return VcpuExitAction.Continue;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "vCPU {Caller}: PSCI CPU_ON MPIDR 0x{Target:x} -> {Outcome}")]
        public static partial void CpuOn(ILogger logger, int caller, ulong target, CpuPowerOnResult outcome);
    }
}
