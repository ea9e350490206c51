using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Memory;

namespace Parkway.Virtio.Queues;

/// <summary>
/// The device side of one split virtqueue (virtio 1.2 §2.7), used by a single device thread.
/// <list type="bullet">
/// <item>Popping treats the avail index as hostile: a jump of more than the queue size breaks the
/// queue (the device then sets DEVICE_NEEDS_RESET). A chain that fails validation is returned to
/// the driver with length 0 and logged once (rate-limited), and popping continues.</item>
/// <item>Memory ordering: the avail ring entries are read only after the avail index (fence), a
/// used element is written before the used index that publishes it (fence), and the decision to
/// interrupt reads used_event / flags only after the used index is visible (full fence, the
/// store-load case).</item>
/// <item>Event index (VIRTIO_RING_F_EVENT_IDX): interrupts follow used_event; before reporting the
/// queue empty the device publishes avail_event and re-checks, so no notification is lost.</item>
/// </list>
/// </summary>
public sealed class SplitQueue
{
    private readonly IGuestMemory _memory;
    private readonly GuestErrorLog _log;
    private readonly string _name;
    private readonly ChainWalkOptions _walkOptions;
    private readonly bool _eventIndex;
    private ushort _nextAvail;
    private ushort _nextUsed;
    private ushort _signalledUsed;
    private bool _broken;

    /// <summary>Creates the queue over an already validated configuration (<see cref="VirtqueueValidation.Check"/>).</summary>
    public SplitQueue(IGuestMemory memory, VirtqueueState state, bool eventIndex, ChainWalkOptions walkOptions, GuestErrorLog log, string name)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(log);
        _memory = memory;
        _log = log;
        _name = name;
        _walkOptions = walkOptions;
        _eventIndex = eventIndex;
        Size = state.Size;
        DescriptorTable = state.DescriptorTable;
        DriverArea = state.DriverArea;
        DeviceArea = state.DeviceArea;
        _nextAvail = state.NextAvail;
        _nextUsed = state.NextUsed;
        _signalledUsed = state.NextUsed;
    }

    /// <summary>Number of descriptors.</summary>
    public ushort Size { get; }

    /// <summary>Guest address of the descriptor table.</summary>
    public ulong DescriptorTable { get; }

    /// <summary>Guest address of the avail ring.</summary>
    public ulong DriverArea { get; }

    /// <summary>Guest address of the used ring.</summary>
    public ulong DeviceArea { get; }

    /// <summary>Next avail ring index to consume.</summary>
    public ushort NextAvail => _nextAvail;

    /// <summary>Next used ring index to fill.</summary>
    public ushort NextUsed => _nextUsed;

    /// <summary>True once the rings were found corrupt; the queue then refuses all work until reset.</summary>
    public bool IsBroken => _broken;

    /// <summary>The queue's state record (ready, with the current ring positions).</summary>
    public VirtqueueState SaveState() => new(Size, true, DescriptorTable, DriverArea, DeviceArea, _nextAvail, _nextUsed);

    /// <summary>Takes the next valid chain; invalid ones on the way are completed with length 0.</summary>
    public PopStatus TryPop(out DescriptorChain? chain)
    {
        chain = null;
        try
        {
            while (!_broken)
            {
                if (!TryTakeHead(out ushort head, out PopStatus status))
                {
                    return status;
                }

                if (head >= Size)
                {
                    // No used entry can carry an id the driver cannot look up: the ring is unusable.
                    return Break(GuestErrorKind.DescriptorIndexOutOfRange, $"avail ring names head {head}, beyond the queue size {Size}");
                }

                if (DescriptorChainWalker.TryWalk(_memory, DescriptorTable, Size, head, _walkOptions, out chain, out ChainFault fault))
                {
                    chain!.AvailIndex = (ushort)(_nextAvail - 1);
                    return PopStatus.Available;
                }

                // One bad request fails alone: the driver gets its buffers back, nothing written.
                _log.Report(_name, fault.Kind, fault.Detail);
                AddUsed(head, 0);
            }

            return PopStatus.Broken;
        }
        catch (GuestMemoryFaultException e)
        {
            // Unreachable after validation unless guest RAM shrank; still never a host crash.
            return Break(GuestErrorKind.DescriptorOutOfRange, e.Message);
        }
    }

    /// <summary>
    /// Gives back chains the device took but did not complete, so that a pause leaves the rings as
    /// the only record of the device's work (a restored device takes them again). Possible only
    /// when <paramref name="chains"/> are, in order, the last entries taken from the avail ring;
    /// otherwise (something was completed after them) nothing changes and the result is false.
    /// </summary>
    public bool TryGiveBack(IReadOnlyList<DescriptorChain> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        ushort first = (ushort)(_nextAvail - chains.Count);
        for (int i = 0; i < chains.Count; i++)
        {
            if (chains[i].AvailIndex != (ushort)(first + i))
            {
                return false;
            }
        }

        _nextAvail = first;
        return true;
    }

    /// <summary>Returns chain <paramref name="head"/> to the driver with <paramref name="writtenLength"/> bytes written.</summary>
    public void AddUsed(ushort head, uint writtenLength)
    {
        if (_broken)
        {
            return;
        }

        ulong element = DeviceArea + VirtqueueLayout.RingEntriesOffset + ((ulong)(_nextUsed % Size) * VirtqueueLayout.UsedEntrySize);
        _memory.WriteUInt32(element, head);
        _memory.WriteUInt32(element + 4, writtenLength);
        _nextUsed++;
        // Release: the element must be visible before the index that publishes it.
        Interlocked.MemoryBarrier();
        _memory.WriteUInt16(DeviceArea + VirtqueueLayout.RingIndexOffset, _nextUsed);
    }

    /// <summary>
    /// Whether the driver wants an interrupt for the used entries added since the last call
    /// (used_event with event index, VRING_AVAIL_F_NO_INTERRUPT without).
    /// </summary>
    public bool ShouldInterrupt()
    {
        if (_broken)
        {
            return false;
        }

        // Store-load: the used index written above must be visible before used_event is read,
        // or a driver that just re-enabled interrupts could be missed.
        Interlocked.MemoryBarrier();
        ushort previous = _signalledUsed;
        ushort current = _nextUsed;
        _signalledUsed = current;
        if (previous == current)
        {
            return false;
        }

        if (_eventIndex)
        {
            ushort usedEvent = _memory.ReadUInt16(DriverArea + VirtqueueLayout.UsedEventOffset(Size));
            // vring_need_event: did the index step over used_event since the last interrupt?
            return (ushort)(current - usedEvent - 1) < (ushort)(current - previous);
        }

        ushort flags = _memory.ReadUInt16(DriverArea);
        return (flags & VirtqueueLayout.AvailFlagNoInterrupt) == 0;
    }

    private bool TryTakeHead(out ushort head, out PopStatus status)
    {
        head = 0;
        ushort pending = PendingCount(out status);
        if (status == PopStatus.Broken)
        {
            return false;
        }

        if (pending == 0 && _eventIndex)
        {
            // Ask to be notified for the next entry, then look again: an entry added between the
            // first read and the avail_event store would otherwise wait for an unrelated kick.
            _memory.WriteUInt16(DeviceArea + VirtqueueLayout.AvailEventOffset(Size), _nextAvail);
            Interlocked.MemoryBarrier();
            pending = PendingCount(out status);
            if (status == PopStatus.Broken)
            {
                return false;
            }
        }

        if (pending == 0)
        {
            status = PopStatus.Empty;
            return false;
        }

        // Acquire: ring entries are read only after the index that published them.
        Interlocked.MemoryBarrier();
        ulong slot = DriverArea + VirtqueueLayout.RingEntriesOffset + ((ulong)(_nextAvail % Size) * VirtqueueLayout.AvailEntrySize);
        head = _memory.ReadUInt16(slot);
        _nextAvail++;
        status = PopStatus.Available;
        return true;
    }

    private ushort PendingCount(out PopStatus status)
    {
        ushort availIndex = _memory.ReadUInt16(DriverArea + VirtqueueLayout.RingIndexOffset);
        ushort pending = (ushort)(availIndex - _nextAvail);
        if (pending > Size)
        {
            status = Break(GuestErrorKind.AvailIndexJump, $"avail idx {availIndex} is {pending} entries past the device's {_nextAvail}, more than the queue size {Size}");
            return 0;
        }

        status = PopStatus.Available;
        return pending;
    }

    private PopStatus Break(GuestErrorKind kind, string detail)
    {
        _broken = true;
        _log.Report(_name, kind, detail);
        return PopStatus.Broken;
    }
}
