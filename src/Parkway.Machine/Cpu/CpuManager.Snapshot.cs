using Parkway.Machine.Snapshot;

namespace Parkway.Machine.Cpu;

/// <summary>The CPU manager's part of snapshots: work on a vCPU's own thread while paused, and slot state put back.</summary>
public sealed partial class CpuManager
{
    private static readonly TimeSpan VcpuWorkTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="work"/> against every slot's vCPU: on the slot's own thread when it has one
    /// (the machine must be paused: a paused thread runs posted work at the run gate), directly on
    /// the caller's thread for a parked slot (no thread can be in KVM_RUN with it). All threads are
    /// asked first and then waited for, so the total is one gate poll, not one per vCPU.
    /// </summary>
    public T[] OnEveryVcpu<T>(Func<CpuSlot, IVcpu, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (IsRunning)
        {
            throw new InvalidOperationException("vCPU state is only read or written while the machine is paused");
        }

        var results = new T[_slots.Length];
        var pending = new List<(int Index, Task<T> Done)>();
        foreach (CpuSlot slot in _slots)
        {
            VcpuThread? thread;
            using (_lock.EnterScope())
            {
                thread = slot.Thread;
            }

            if (thread is null)
            {
                results[slot.Index] = work(slot, slot.Vcpu);
                continue;
            }

            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            thread.Post(vcpu =>
            {
                try
                {
                    done.SetResult(work(slot, vcpu));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    done.SetException(e);
                }
            });
            pending.Add((slot.Index, done.Task));
        }

        foreach ((int index, Task<T> done) in pending)
        {
            // WaitAny, unlike Wait, does not throw for a failed task: GetResult below rethrows its own exception.
            if (Task.WaitAny([done], VcpuWorkTimeout) < 0)
            {
                throw new TimeoutException($"vCPU {index} did not run its snapshot work within {VcpuWorkTimeout.TotalSeconds} s");
            }

            results[index] = done.GetAwaiter().GetResult();
        }

        return results;
    }

    /// <summary>
    /// Puts a saved slot's plug state back (restore, before any thread starts): enabled, powered,
    /// pending unplug with its first request time, the QMP id, the last _OST.
    /// </summary>
    public void RestoreSlotState(CpuSlotSnapshot saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        CpuSlot slot = _slots[saved.Index];
        using (_lock.EnterScope())
        {
            if (_exitHandler is not null)
            {
                throw new InvalidOperationException("slot state is restored before the vCPU threads start");
            }

            slot.IsEnabled = saved.IsEnabled;
            slot.IsInserting = saved.IsInserting;
            slot.IsRemovePending = saved.IsRemovePending;
            slot.IsRemoving = saved.IsRemoving;
            slot.IsPoweredOn = saved.IsPoweredOn;
            slot.DeviceId = saved.DeviceId;
            slot.UnplugRequestedAt = saved.UnplugRequestedAt;
            slot.LastOst = saved.LastOst;
            if (saved.UnplugRequestedAt is { } at && at > _lastUnplugRequest)
            {
                _lastUnplugRequest = at;
            }
        }
    }
}
