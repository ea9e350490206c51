namespace Parkway.Machine.Devices;

/// <summary>
/// The address map shared by the MMIO and port-I/O buses: non-overlapping ranges in an immutable
/// sorted array swapped atomically on change, so vCPU threads look up with a binary search and no
/// lock; registration (rare: build time, a device plugged) takes a writer lock. The last range
/// found is remembered and tried first: a guest polls one device at a time (a UART's flag
/// register, a virtio queue), and ranges are never removed, so a remembered one never goes stale.
/// </summary>
internal sealed class AddressRangeMap<TDevice>
    where TDevice : class
{
    private readonly Lock _writerLock = new();
    private Entry[] _entries = [];
    private Entry? _lastHit;

    /// <summary>Maps <paramref name="device"/> at [<paramref name="start"/>, +<paramref name="size"/>).</summary>
    public void Register(ulong start, ulong size, TDevice device, string space)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfZero(size);
        lock (_writerLock)
        {
            foreach (Entry existing in _entries)
            {
                if (start < existing.Start + existing.Size && existing.Start < start + size)
                {
                    throw new InvalidOperationException(
                        $"{space} range 0x{start:x}+0x{size:x} overlaps 0x{existing.Start:x}+0x{existing.Size:x}");
                }
            }

            Entry[] next = [.. _entries, new Entry(start, size, device)];
            Array.Sort(next, static (a, b) => a.Start.CompareTo(b.Start));
            Volatile.Write(ref _entries, next);
        }
    }

    /// <summary>The device whose range holds the whole access, with the access's offset into it.</summary>
    public bool TryFind(ulong address, ulong length, out TDevice device, out ulong offset)
    {
        Entry? last = Volatile.Read(ref _lastHit);
        if (last is not null && address - last.Start < last.Size && address - last.Start + length <= last.Size)
        {
            device = last.Device;
            offset = address - last.Start;
            return true;
        }

        Entry[] entries = Volatile.Read(ref _entries);
        int low = 0, high = entries.Length - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            Entry candidate = entries[middle];
            if (address < candidate.Start)
            {
                high = middle - 1;
            }
            else if (address - candidate.Start >= candidate.Size)
            {
                low = middle + 1;
            }
            else if (address - candidate.Start + length <= candidate.Size)
            {
                // Written only on a change: vCPU threads polling the same device share the line read-only.
                Volatile.Write(ref _lastHit, candidate);
                device = candidate.Device;
                offset = address - candidate.Start;
                return true;
            }
            else
            {
                break; // The whole access must fit: one straddling the end is not the device's.
            }
        }

        device = null!;
        offset = 0;
        return false;
    }

    private sealed record Entry(ulong Start, ulong Size, TDevice Device);
}
