using Parkway.Machine.Cpu;

namespace Parkway.Machine.Hotplug;

/// <summary>
/// The unplug deadlines across a snapshot. A deadline is a timer of this process, so a snapshot
/// saves what is left of it; the guest sees no time pass while it is saved, and neither does its
/// deadline: the restore arms the timer again with that time left.
/// </summary>
public sealed partial class CpuHotplugController
{
    /// <summary>
    /// Time left before the pending unplug of <paramref name="slot"/> is withdrawn (zero when the
    /// deadline passed but has not fired yet); null when no deadline is set for the request pending
    /// now (none pending, or requested without a timeout).
    /// </summary>
    public TimeSpan? UnplugDeadlineRemaining(int slot)
    {
        using (_lock.EnterScope())
        {
            CpuSlotState state = _cpus.Slots[slot].State;
            if (!state.IsRemovePending || _unplugDeadlines[slot] is not { } armed || armed.RequestedAt != state.UnplugRequestedAt)
            {
                return null;
            }

            TimeSpan left = armed.Deadline - DateTimeOffset.UtcNow;
            return left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
    }

    /// <summary>
    /// After a restore (slot states restored, <see cref="UnplugTimeout"/> set from this run's
    /// options): each pending unplug gets its deadline again. A request saved with time left gets
    /// that time from now; one saved without a deadline gets this run's --unplug-timeout from now,
    /// if there is one (the new process's policy for requests it has no deadline for).
    /// </summary>
    /// <param name="remaining">Per slot index: the time left at the save (null: no deadline then).</param>
    public void RearmRestoredUnplugs(IReadOnlyList<TimeSpan?> remaining)
    {
        ArgumentNullException.ThrowIfNull(remaining);
        using (_lock.EnterScope())
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            for (int index = 0; index < remaining.Count && index < _cpus.Slots.Count; index++)
            {
                CpuSlot slot = _cpus.Slots[index];
                CpuSlotState state = slot.State;
                if (!state.IsRemovePending || state.UnplugRequestedAt is not { } requestedAt)
                {
                    continue;
                }

                if ((remaining[index] ?? UnplugTimeout) is { } left)
                {
                    _unplugDeadlines[index]?.Timer.Dispose();
                    ArmUnplugDeadline(slot, requestedAt, now + left);
                }
            }
        }
    }
}
