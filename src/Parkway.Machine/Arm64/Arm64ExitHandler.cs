using Microsoft.Extensions.Logging;
using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine.Cpu;
using Parkway.Machine.Devices;

namespace Parkway.Machine.Arm64;

/// <summary>
/// Handles arm64 vCPU exits on the vCPU's thread: MMIO goes to the bus (read in place from
/// kvm_run, no allocation), PSCI SYSTEM_OFF/SYSTEM_RESET end the machine, anything KVM could not
/// run is fatal and ends the machine with exit code 1.
/// </summary>
public sealed partial class Arm64ExitHandler : IVcpuExitHandler
{
    private readonly MmioBus _bus;
    private readonly MachineLifetime _lifetime;
    private readonly ExitCounters _counters;
    private readonly ILogger _logger;
    private readonly IHypercallHandler? _hypercalls;

    /// <summary>Creates the handler.</summary>
    public Arm64ExitHandler(MmioBus bus, MachineLifetime lifetime, ExitCounters counters, ILogger logger, IHypercallHandler? hypercalls = null)
    {
        _bus = bus;
        _lifetime = lifetime;
        _counters = counters;
        _logger = logger;
        _hypercalls = hypercalls;
    }

    /// <inheritdoc />
    public VcpuExitAction HandleExit(CpuSlot slot)
    {
        KvmRun run = slot.Vcpu.RunState;
        switch (run.ExitReason)
        {
            case KvmExitReason.Mmio:
                HandleMmio(run);
                return VcpuExitAction.Continue;

            case KvmExitReason.SystemEvent:
                _counters.CountSystemEvent();
                return HandleSystemEvent(slot, run.SystemEventType);

            case KvmExitReason.Hypercall:
                _counters.CountHypercall();
                if (_hypercalls is not null)
                {
                    return _hypercalls.Handle(slot);
                }

                // No forwarded calls were requested; answer NOT_SUPPORTED rather than wedge the guest.
                slot.Vcpu.SetRegister(Arm64Registers.X(0), unchecked((ulong)-1L));
                return VcpuExitAction.Continue;

            case KvmExitReason.Intr:
                _counters.CountInterrupted();
                return VcpuExitAction.Continue;

            default:
                _counters.CountOther();
                string detail = run.ExitReason switch
                {
                    KvmExitReason.FailEntry => $"KVM_EXIT_FAIL_ENTRY (reason 0x{run.FailEntryReason:x})",
                    KvmExitReason.InternalError => $"KVM_EXIT_INTERNAL_ERROR (suberror {run.InternalErrorSuberror})",
                    _ => $"unexpected exit reason {(uint)run.ExitReason}",
                };
                Log.FatalExit(_logger, slot.Index, detail);
                _lifetime.RequestExit(1, $"vCPU {slot.Index}: {detail}");
                return VcpuExitAction.Stop;
        }
    }

    private void HandleMmio(KvmRun run)
    {
        ulong address = run.MmioPhysAddr;
        Span<byte> data = run.MmioData;
        bool isWrite = run.MmioIsWrite;
        bool handled = isWrite ? _bus.Write(address, data) : _bus.Read(address, data);
        _counters.CountMmio(handled);
        if (!handled && _logger.IsEnabled(LogLevel.Debug))
        {
            Log.UnhandledMmio(_logger, isWrite, address, data.Length);
        }
    }

    private VcpuExitAction HandleSystemEvent(CpuSlot slot, KvmSystemEventType type)
    {
        switch (type)
        {
            case KvmSystemEventType.Shutdown:
                Log.GuestEvent(_logger, slot.Index, "powered off (PSCI SYSTEM_OFF)");
                _lifetime.RequestExit(0, "guest powered off", ShutdownCause.GuestShutdown);
                return VcpuExitAction.Stop;
            case KvmSystemEventType.Reset:
                // Parkway does not reboot guests (like Firecracker): a reset ends the VM cleanly.
                Log.GuestEvent(_logger, slot.Index, "requested a reset (PSCI SYSTEM_RESET); Parkway does not reboot guests, exiting");
                _lifetime.RequestExit(0, "guest reset", ShutdownCause.GuestReset);
                return VcpuExitAction.Stop;
            case KvmSystemEventType.Crash:
                Log.GuestEvent(_logger, slot.Index, "reported a crash");
                _lifetime.RequestExit(1, "guest crashed", ShutdownCause.GuestPanic);
                return VcpuExitAction.Stop;
            default:
                Log.UnknownSystemEvent(_logger, slot.Index, (uint)type);
                return VcpuExitAction.Continue;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "vCPU {Slot} stopped: {Detail}")]
        public static partial void FatalExit(ILogger logger, int slot, string detail);

        [LoggerMessage(Level = LogLevel.Debug, Message = "unhandled MMIO access (write: {IsWrite}) at 0x{Address:x} ({Length} bytes)")]
        public static partial void UnhandledMmio(ILogger logger, bool isWrite, ulong address, int length);

        [LoggerMessage(Level = LogLevel.Warning, Message = "vCPU {Slot}: guest raised unknown system event {Type}; ignored")]
        public static partial void UnknownSystemEvent(ILogger logger, int slot, uint type);

        [LoggerMessage(Level = LogLevel.Information, Message = "vCPU {Slot}: guest {What}")]
        public static partial void GuestEvent(ILogger logger, int slot, string what);
    }
}

/// <summary>Handles SMCCC calls that KVM forwards to userspace (the PSCI policy, when installed).</summary>
public interface IHypercallHandler
{
    /// <summary>Handles the call in <paramref name="slot"/>'s kvm_run page; the result goes into x0.</summary>
    VcpuExitAction Handle(CpuSlot slot);
}
