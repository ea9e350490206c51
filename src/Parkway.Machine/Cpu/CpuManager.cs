using Microsoft.Extensions.Logging;
using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine.Config;

namespace Parkway.Machine.Cpu;

/// <summary>
/// Owns every possible CPU slot and the park/unpark mechanism (DESIGN.md §1).
/// At build time it creates and initialises a KVM vCPU for EVERY possible slot — before the
/// interrupt controller is initialised, because KVM (and the GICv3 architecture) fix the set of
/// CPUs then — and records each slot's architecture id. Plugged slots get a vCPU thread; parked
/// slots keep their vCPU and run nothing.
/// Lock order: <see cref="_lock"/> is a leaf; it is never held while waiting for a vCPU thread.
/// </summary>
public sealed partial class CpuManager : IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly CpuSlot[] _slots;
    private readonly ILogger _logger;
    private IVcpuExitHandler? _exitHandler;
    private Action<CpuSlot, Exception>? _onFailure;

    private CpuManager(CpuConfig config, CpuSlot[] slots, ILogger logger)
    {
        Config = config;
        _slots = slots;
        _logger = logger;
    }

    /// <summary>The CPU configuration the slots were made from.</summary>
    public CpuConfig Config { get; }

    /// <summary>Every possible slot, by index.</summary>
    public IReadOnlyList<CpuSlot> Slots => _slots;

    /// <summary>Number of KVM vCPUs created (always every possible slot).</summary>
    public int CreatedCount => _slots.Length;

    /// <summary>Number of slots with a running vCPU thread.</summary>
    public int RunningCount
    {
        get
        {
            lock (_lock)
            {
                return _slots.Count(static s => s.Thread is not null);
            }
        }
    }

    /// <summary>
    /// Creates every possible vCPU, in slot order (= vCPU id = redistributor order), and reads back
    /// each one's architecture id. Must run before the interrupt controller is initialised.
    /// </summary>
    public static CpuManager CreateAll(KvmVm vm, CpuConfig config, IVcpuArchitecture architecture, ILogger logger)
    {
        var slots = new CpuSlot[config.Max];
        int created = 0;
        try
        {
            for (int index = 0; index < config.Max; index++)
            {
                KvmVcpu vcpu = CreateVcpu(vm, architecture, index);
                created++;
                ulong archId = architecture.ReadArchId(vcpu);
                slots[index] = new CpuSlot(index, config.Topology.IdsOf(index), vcpu, archId, isBootCpu: index < config.Boot);
            }
        }
        catch
        {
            for (int index = 0; index < created; index++)
            {
                slots[index]?.Vcpu.Dispose();
            }

            throw;
        }

        Log.SlotsCreated(logger, config.Max, config.Boot);
        return new CpuManager(config, slots, logger);
    }

    /// <summary>
    /// Creates one more vCPU after the VM was built. Exists to prove the rule Parkway is built on:
    /// once the vGIC is initialised KVM refuses with EBUSY, which is reported as a configuration
    /// error naming the rule rather than as a bare errno.
    /// </summary>
    public static KvmVcpu CreateVcpu(KvmVm vm, IVcpuArchitecture architecture, int id)
    {
        try
        {
            // Slot 0 is the only CPU that starts executing on its own; every other CPU (boot CPUs
            // included) is started by the guest with PSCI CPU_ON.
            return architecture.CreateVcpu(vm, id, startsRunning: id == 0);
        }
        catch (KvmException e) when (e.ErrorNumber == Errno.EBUSY && e.Operation == "KVM_CREATE_VCPU")
        {
            throw new ConfigurationException(
                $"cannot create vCPU {id}: KVM refused (EBUSY) because the interrupt controller is already initialised; every possible vCPU must be created before the vGIC",
                e);
        }
    }

    /// <summary>Starts a thread for each boot CPU. Call once, after the machine is fully built.</summary>
    public void StartBootCpus(IVcpuExitHandler exitHandler, Action<CpuSlot, Exception> onFailure)
    {
        _exitHandler = exitHandler;
        _onFailure = onFailure;
        for (int index = 0; index < Config.Boot; index++)
        {
            Unpark(_slots[index]);
        }
    }

    /// <summary>Gives a parked slot a running thread.</summary>
    private void Unpark(CpuSlot slot)
    {
        lock (_lock)
        {
            if (slot.Thread is not null)
            {
                return;
            }

            var thread = new VcpuThread(slot, _exitHandler!, _onFailure!);
            slot.Thread = thread;
            thread.Start();
        }

        Log.Unparked(_logger, slot.Index, slot.ArchId);
    }

    /// <summary>
    /// Stops every vCPU thread: all are asked and kicked first, then waited for, so the total time
    /// is one kick latency rather than one per vCPU. The vCPUs stay (parked).
    /// </summary>
    public void StopAll()
    {
        List<VcpuThread> threads;
        lock (_lock)
        {
            threads = [.. _slots.Select(static s => s.Thread).OfType<VcpuThread>()];
        }

        foreach (VcpuThread thread in threads)
        {
            thread.RequestStop();
        }

        DateTime deadline = DateTime.UtcNow + StopTimeout;
        foreach (VcpuThread thread in threads)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (!thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                Log.StopTimedOut(_logger, thread.NativeThreadId);
            }
        }

        lock (_lock)
        {
            foreach (CpuSlot slot in _slots)
            {
                if (slot.Thread is { IsAlive: false })
                {
                    slot.Thread = null;
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        StopAll();
        foreach (CpuSlot slot in _slots)
        {
            if (slot.Thread is null)
            {
                slot.Vcpu.Dispose();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "created {Possible} vCPUs ({Boot} plugged at boot, the rest parked)")]
        public static partial void SlotsCreated(ILogger logger, int possible, int boot);

        [LoggerMessage(Level = LogLevel.Debug, Message = "vCPU {Slot} (MPIDR 0x{ArchId:x}) unparked: thread started")]
        public static partial void Unparked(ILogger logger, int slot, ulong archId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "vCPU thread {Tid} did not stop in time")]
        public static partial void StopTimedOut(ILogger logger, int tid);
    }
}
