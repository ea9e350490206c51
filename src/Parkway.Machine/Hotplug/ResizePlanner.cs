namespace Parkway.Machine.Hotplug;

/// <summary>What the resize planner needs to know of one slot.</summary>
/// <param name="Index">Slot index.</param>
/// <param name="IsPlugged">Enabled (plugged), whether or not an unplug is pending.</param>
/// <param name="IsUnplugPending">An unplug was requested and the guest has not ejected yet.</param>
/// <param name="HasThread">A vCPU thread runs it (a slot just ejected keeps one until it stops).</param>
/// <param name="CanUnplug">Not a CPU that must stay (a boot CPU without hotpluggable-boot).</param>
public readonly record struct ResizeSlot(int Index, bool IsPlugged, bool IsUnplugPending, bool HasThread, bool CanUnplug);

/// <summary>The CPUs one resize plugs and unplugs.</summary>
public sealed record ResizePlan(IReadOnlyList<int> Plug, IReadOnlyList<int> Unplug);

/// <summary>
/// Chooses the CPUs a resize to N touches (pure, unit-tested): the CPUs that count are the plugged
/// ones without an unplug pending; growing plugs the lowest-numbered parked slots, shrinking asks
/// the guest to eject the highest-numbered CPUs that may be unplugged.
/// </summary>
public static class ResizePlanner
{
    /// <summary>Plans a resize to <paramref name="count"/> CPUs, or refuses it with QEMU's wording.</summary>
    /// <exception cref="MachineRequestException">N is out of range, or slots are still being unplugged.</exception>
    public static ResizePlan Plan(IReadOnlyList<ResizeSlot> slots, int count)
    {
        ArgumentNullException.ThrowIfNull(slots);
        int mustStay = slots.Count(static s => s.IsPlugged && !s.CanUnplug);
        int minimum = Math.Max(1, mustStay);
        if (count < minimum || count > slots.Count)
        {
            // QEMU's text for a parameter value out of its range (QERR_INVALID_PARAMETER_VALUE).
            throw new MachineRequestException($"Parameter 'count' expects a value between {minimum} and {slots.Count}");
        }

        int active = slots.Count(static s => s.IsPlugged && !s.IsUnplugPending);
        if (count > active)
        {
            int[] parked = [.. slots.Where(static s => !s.IsPlugged && !s.HasThread).Select(static s => s.Index).Order().Take(count - active)];
            if (parked.Length < count - active)
            {
                int leaving = slots.Count(static s => s.IsUnplugPending || (!s.IsPlugged && s.HasThread));
                throw new MachineRequestException(
                    $"Cannot plug {count - active} CPUs now: {leaving} are still being unplugged; retry when DEVICE_DELETED arrives");
            }

            return new ResizePlan(parked, []);
        }

        int[] unplug = [.. slots.Where(static s => s.IsPlugged && !s.IsUnplugPending && s.CanUnplug)
            .Select(static s => s.Index).OrderDescending().Take(active - count)];
        return new ResizePlan([], unplug);
    }
}
