namespace Parkway.Machine;

/// <summary>
/// Counts guest exits by kind, from day one, so every performance question starts from numbers.
/// Each vCPU slot counts into its own <see cref="SlotExitCounts"/>, written only by the one thread
/// that runs that vCPU (plain increments published with a release store: no interlocked add and no
/// shared cache line on the exit path); the totals below are summed over the slots when read.
/// </summary>
public sealed class ExitCounters
{
    private readonly Lock _growLock = new();
    private SlotExitCounts[] _slots = [];

    /// <summary>MMIO exits.</summary>
    public long Mmio => Sum(static c => c.Mmio);

    /// <summary>MMIO exits to addresses where no device lives.</summary>
    public long UnhandledMmio => Sum(static c => c.UnhandledMmio);

    /// <summary>Port I/O exits (x86).</summary>
    public long PortIo => Sum(static c => c.PortIo);

    /// <summary>Port I/O exits to ports where no device lives.</summary>
    public long UnhandledPortIo => Sum(static c => c.UnhandledPortIo);

    /// <summary>Hypercall (forwarded SMCCC) exits.</summary>
    public long Hypercall => Sum(static c => c.Hypercall);

    /// <summary>System event exits.</summary>
    public long SystemEvent => Sum(static c => c.SystemEvent);

    /// <summary>KVM_RUN returns caused by kicks.</summary>
    public long Interrupted => Sum(static c => c.Interrupted);

    /// <summary>Any other exit.</summary>
    public long Other => Sum(static c => c.Other);

    /// <summary>
    /// The counts of vCPU slot <paramref name="slot"/>, created on first use. Only the thread that
    /// runs that slot's vCPU may count into it (a slot has at most one such thread at a time).
    /// </summary>
    internal SlotExitCounts ForSlot(int slot)
    {
        SlotExitCounts[] slots = Volatile.Read(ref _slots);
        if ((uint)slot < (uint)slots.Length && slots[slot] is { } counts)
        {
            return counts;
        }

        return Grow(slot);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"mmio={Mmio} (unhandled {UnhandledMmio}) port-io={PortIo} (unhandled {UnhandledPortIo}) hypercall={Hypercall} system-event={SystemEvent} interrupted={Interrupted} other={Other}";

    private SlotExitCounts Grow(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        lock (_growLock)
        {
            SlotExitCounts[] slots = _slots;
            if (slot >= slots.Length)
            {
                Array.Resize(ref slots, Math.Max(slot + 1, slots.Length * 2));
            }
            else
            {
                slots = (SlotExitCounts[])slots.Clone();
            }

            SlotExitCounts counts = slots[slot] ??= new SlotExitCounts();
            Volatile.Write(ref _slots, slots);
            return counts;
        }
    }

    private long Sum(Func<SlotExitCounts, long> field)
    {
        long total = 0;
        foreach (SlotExitCounts? counts in Volatile.Read(ref _slots))
        {
            if (counts is not null)
            {
                total += field(counts);
            }
        }

        return total;
    }
}

/// <summary>
/// One vCPU slot's exit counts. Single writer (the slot's vCPU thread): an increment is a plain
/// read and a release store, which a 64-bit reader on another thread sees whole and in order.
/// </summary>
internal sealed class SlotExitCounts
{
    private long _mmio, _unhandledMmio, _portIo, _unhandledPortIo, _hypercall, _systemEvent, _interrupted, _other;

    public long Mmio => Volatile.Read(ref _mmio);

    public long UnhandledMmio => Volatile.Read(ref _unhandledMmio);

    public long PortIo => Volatile.Read(ref _portIo);

    public long UnhandledPortIo => Volatile.Read(ref _unhandledPortIo);

    public long Hypercall => Volatile.Read(ref _hypercall);

    public long SystemEvent => Volatile.Read(ref _systemEvent);

    public long Interrupted => Volatile.Read(ref _interrupted);

    public long Other => Volatile.Read(ref _other);

    public void CountMmio(bool handled)
    {
        Bump(ref _mmio);
        if (!handled)
        {
            Bump(ref _unhandledMmio);
        }
    }

    public void CountPortIo(bool handled)
    {
        Bump(ref _portIo);
        if (!handled)
        {
            Bump(ref _unhandledPortIo);
        }
    }

    public void CountHypercall() => Bump(ref _hypercall);

    public void CountSystemEvent() => Bump(ref _systemEvent);

    public void CountInterrupted() => Bump(ref _interrupted);

    public void CountOther() => Bump(ref _other);

    // Single writer: no read-modify-write race to guard against, only publication to readers.
    private static void Bump(ref long counter) => Volatile.Write(ref counter, counter + 1);
}
