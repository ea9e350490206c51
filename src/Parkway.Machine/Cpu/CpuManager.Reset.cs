using Microsoft.Extensions.Logging;

namespace Parkway.Machine.Cpu;

/// <summary>
/// The CPU side of a machine reset (docs/architecture.md, "Reset"): every vCPU thread is stopped
/// and joined, every vCPU (plugged or parked) is reset with KVM_ARM_VCPU_INIT powered off, the
/// slots' guest-facing state goes back to what a boot gives (slot 0 on, the other plugged CPUs
/// off until the guest starts them, no hot-plug event pending) and the plugged slots get new
/// threads. The plugged set itself is kept: a CPU plugged before the reset is plugged after it.
/// </summary>
public sealed partial class CpuManager
{
    // Set between BeginReset and EndReset (under _lock): plugs are refused meanwhile.
    private bool _resetting;

    /// <summary>True while a machine reset is in progress.</summary>
    public bool IsResetting
    {
        get
        {
            using (_lock.EnterScope())
            {
                return _resetting;
            }
        }
    }

    /// <summary>
    /// First step of a reset, on a thread that is not a vCPU thread and holds no lock: refuses new
    /// plugs, asks every vCPU thread to stop, kicks each out of KVM_RUN and joins them all under one
    /// deadline. Returns false when the machine is shutting down or a thread did not stop in time
    /// (its vCPU cannot be reset safely: the caller ends the machine).
    /// </summary>
    public bool BeginReset()
    {
        using (_lock.EnterScope())
        {
            if (_shuttingDown)
            {
                return false;
            }

            _resetting = true;
        }

        List<VcpuThread> threads = Threads();
        foreach (VcpuThread thread in threads)
        {
            thread.RequestStop();
        }

        bool allStopped = true;
        DateTime deadline = DateTime.UtcNow + StopTimeout;
        foreach (VcpuThread thread in threads)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (!thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                Log.StopTimedOut(_logger, thread.NativeThreadId);
                allStopped = false;
            }
        }

        return allStopped;
    }

    /// <summary>
    /// Second step: no thread runs any vCPU now, so each is reset from this thread (the ioctls
    /// cannot block). Slot state goes back to boot: powered off except slot 0, insert/remove events
    /// cleared, a pending unplug request withdrawn (the guest that was asked is gone; repeat the
    /// device_del), no _OST. Plugged slots stay plugged. <paramref name="afterVcpuReset"/> is the
    /// architecture's per-vCPU setup that must follow KVM_ARM_VCPU_INIT (PMU, stolen time).
    /// </summary>
    public void ResetVcpus(Action<CpuSlot> afterVcpuReset)
    {
        ArgumentNullException.ThrowIfNull(afterVcpuReset);
        foreach (CpuSlot slot in _slots)
        {
            slot.Vcpu.Reset();
            afterVcpuReset(slot);
        }

        int withdrawn = 0;
        using (_lock.EnterScope())
        {
            foreach (CpuSlot slot in _slots)
            {
                if (slot.IsRemovePending)
                {
                    withdrawn++;
                }

                slot.IsInserting = false;
                slot.IsRemoving = false;
                slot.IsRemovePending = false;
                slot.UnplugRequestedAt = null;
                slot.LastOst = null;
                slot.IsPoweredOn = false;
            }
        }

        if (withdrawn > 0)
        {
            Log.UnplugsWithdrawnByReset(_logger, withdrawn);
        }
    }

    /// <summary>
    /// Last step: slot 0 is marked on (the caller has set its entry registers and made it
    /// runnable), every plugged slot gets a new thread, plugs are accepted again. A machine that
    /// was paused stays paused: the new threads wait at the run gate.
    /// </summary>
    public void EndReset()
    {
        var started = new List<VcpuThread>();
        using (_lock.EnterScope())
        {
            _resetting = false;
            if (_shuttingDown || _exitHandler is null)
            {
                return;
            }

            _slots[0].IsPoweredOn = true;
            foreach (CpuSlot slot in _slots)
            {
                if (slot.IsEnabled && slot.Thread is null)
                {
                    started.Add(AssignThreadLocked(slot));
                }
            }
        }

        foreach (VcpuThread thread in started)
        {
            StartThread(thread);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "machine reset: {Count} pending unplug request(s) withdrawn (the CPUs stay plugged; repeat device_del after the guest is up)")]
        public static partial void UnplugsWithdrawnByReset(ILogger logger, int count);
    }
}
