using Microsoft.Extensions.Logging;
using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine.Devices;

namespace Parkway.Machine.Cpu;

/// <summary>
/// The one place vCPU exits are handled, on the vCPU's own thread and read in place from kvm_run
/// (no allocation): MMIO → <see cref="MmioBus"/>, port I/O → <see cref="PortIoBus"/>, system
/// events (power-off, reset, crash) and exits KVM could not run end the machine, kicks are counted;
/// anything else goes to the architecture's <see cref="IArchitectureExitHandler"/> (arm64: SMCCC).
/// Every exit is counted in <see cref="ExitCounters"/> (the slot's own counts).
/// A vCPU thread calls it directly (a sealed class, no interface dispatch) with the vCPU's kvm_run
/// view, which it reads once: the MMIO path is the hot one and is kept free of lookups that do not
/// change between exits.
/// </summary>
public sealed partial class VcpuExitDispatcher : IVcpuExitHandler
{
    private readonly MmioBus _mmio;
    private readonly PortIoBus _ports;
    private readonly MachineLifetime _lifetime;
    private readonly ExitCounters _counters;
    private readonly IArchitectureExitHandler _architecture;
    private readonly ILogger _logger;

    /// <summary>Creates the dispatcher.</summary>
    public VcpuExitDispatcher(MmioBus mmio, PortIoBus ports, MachineLifetime lifetime, ExitCounters counters, IArchitectureExitHandler architecture, ILogger logger)
    {
        _mmio = mmio;
        _ports = ports;
        _lifetime = lifetime;
        _counters = counters;
        _architecture = architecture;
        _logger = logger;
    }

    /// <inheritdoc />
    public VcpuExitAction HandleExit(CpuSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        return HandleExit(slot, slot.Vcpu.RunState);
    }

    /// <summary>Handles the exit in <paramref name="run"/>, the kvm_run view of <paramref name="slot"/>'s vCPU.</summary>
    internal VcpuExitAction HandleExit(CpuSlot slot, KvmRun run)
    {
        SlotExitCounts counters = _counters.ForSlot(slot.Index);
        switch (run.ExitReason)
        {
            case KvmExitReason.Mmio:
                HandleMmio(run, counters);
                return VcpuExitAction.Continue;

            case KvmExitReason.Io:
                HandlePortIo(run, counters);
                return VcpuExitAction.Continue;

            case KvmExitReason.SystemEvent:
                counters.CountSystemEvent();
                return HandleSystemEvent(slot, run.SystemEventType);

            case KvmExitReason.Intr:
                counters.CountInterrupted();
                return VcpuExitAction.Continue;

            case KvmExitReason.FailEntry:
                counters.CountOther();
                return Fatal(slot, $"KVM_EXIT_FAIL_ENTRY (reason 0x{run.FailEntryReason:x})");

            case KvmExitReason.InternalError:
                counters.CountOther();
                return Fatal(slot, $"KVM_EXIT_INTERNAL_ERROR (suberror {run.InternalErrorSuberror})");

            case KvmExitReason.Hypercall:
                counters.CountHypercall();
                return _architecture.HandleExit(slot, run) ?? Fatal(slot, "unexpected hypercall exit");

            default:
                counters.CountOther();
                return _architecture.HandleExit(slot, run) ?? Fatal(slot, $"unexpected exit reason {(uint)run.ExitReason}");
        }
    }

    private void HandleMmio(KvmRun run, SlotExitCounts counters)
    {
        ulong address = run.MmioPhysAddr;
        Span<byte> data = run.MmioData;
        bool isWrite = run.MmioIsWrite;
        bool handled = isWrite ? _mmio.Write(address, data) : _mmio.Read(address, data);
        counters.CountMmio(handled);
        if (!handled && _logger.IsEnabled(LogLevel.Debug))
        {
            Log.UnhandledAccess(_logger, "MMIO", isWrite, address, data.Length);
        }
    }

    private void HandlePortIo(KvmRun run, SlotExitCounts counters)
    {
        ushort port = run.IoPort;
        int size = run.IoSize;
        bool isWrite = run.IoIsWrite;
        Span<byte> data = run.IoData;
        bool handled = true;
        // String I/O (REP INS/OUTS) arrives as count accesses of one size to the same port.
        for (int at = 0; at + size <= data.Length && size > 0; at += size)
        {
            Span<byte> element = data.Slice(at, size);
            handled &= isWrite ? _ports.Write(port, element) : _ports.Read(port, element);
        }

        counters.CountPortIo(handled);
        if (!handled && _logger.IsEnabled(LogLevel.Debug))
        {
            Log.UnhandledAccess(_logger, "port I/O", isWrite, port, size);
        }
    }

    private VcpuExitAction HandleSystemEvent(CpuSlot slot, KvmSystemEventType type)
    {
        switch (type)
        {
            case KvmSystemEventType.Shutdown:
                Log.GuestEvent(_logger, slot.Index, "powered off (system event SHUTDOWN, e.g. PSCI SYSTEM_OFF)");
                _lifetime.RequestExit(0, "guest powered off", ShutdownCause.GuestShutdown);
                return VcpuExitAction.Stop;
            case KvmSystemEventType.Reset:
                // This thread ends; the machine's main thread stops the others, resets the machine
                // and starts the plugged CPUs again (--on-reset reboot), or the machine ends (exit).
                Log.GuestEvent(_logger, slot.Index, _lifetime.OnReset == ResetAction.Reboot
                    ? "requested a reset (system event RESET, e.g. PSCI SYSTEM_RESET); rebooting"
                    : "requested a reset (system event RESET, e.g. PSCI SYSTEM_RESET); --on-reset exit, exiting");
                _lifetime.RequestReset(ResetCause.Guest);
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

    private VcpuExitAction Fatal(CpuSlot slot, string detail)
    {
        Log.FatalExit(_logger, slot.Index, detail);
        _lifetime.RequestExit(1, $"vCPU {slot.Index}: {detail}");
        return VcpuExitAction.Stop;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "vCPU {Slot} stopped: {Detail}")]
        public static partial void FatalExit(ILogger logger, int slot, string detail);

        [LoggerMessage(Level = LogLevel.Debug, Message = "unhandled {Space} access (write: {IsWrite}) at 0x{Address:x} ({Length} bytes)")]
        public static partial void UnhandledAccess(ILogger logger, string space, bool isWrite, ulong address, int length);

        [LoggerMessage(Level = LogLevel.Warning, Message = "vCPU {Slot}: guest raised unknown system event {Type}; ignored")]
        public static partial void UnknownSystemEvent(ILogger logger, int slot, uint type);

        [LoggerMessage(Level = LogLevel.Information, Message = "vCPU {Slot}: guest {What}")]
        public static partial void GuestEvent(ILogger logger, int slot, string what);
    }
}
