namespace Parkway.Machine.Devices;

/// <summary>
/// Routes guest MMIO to devices. The address map is an immutable sorted array swapped atomically
/// on change, so vCPU threads dispatch with a binary search and no lock.
/// </summary>
public sealed class MmioBus
{
    private readonly Lock _writerLock = new();
    private Range[] _ranges = [];

    /// <summary>Maps <paramref name="device"/> at [<paramref name="baseAddress"/>, +<paramref name="size"/>).</summary>
    public void Register(ulong baseAddress, ulong size, IMmioDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfZero(size);
        lock (_writerLock)
        {
            foreach (Range existing in _ranges)
            {
                if (baseAddress < existing.Base + existing.Size && existing.Base < baseAddress + size)
                {
                    throw new InvalidOperationException(
                        $"MMIO range 0x{baseAddress:x}+0x{size:x} overlaps 0x{existing.Base:x}+0x{existing.Size:x}");
                }
            }

            Range[] next = [.. _ranges, new Range(baseAddress, size, device)];
            Array.Sort(next, static (a, b) => a.Base.CompareTo(b.Base));
            Volatile.Write(ref _ranges, next);
        }
    }

    /// <summary>Dispatches a load; returns false (and zero-fills) when nothing is mapped there.</summary>
    public bool Read(ulong address, Span<byte> data)
    {
        if (Find(address, (ulong)data.Length) is { } range)
        {
            range.Device.Read(address - range.Base, data);
            return true;
        }

        data.Clear();
        return false;
    }

    /// <summary>Dispatches a store; returns false when nothing is mapped there.</summary>
    public bool Write(ulong address, ReadOnlySpan<byte> data)
    {
        if (Find(address, (ulong)data.Length) is { } range)
        {
            range.Device.Write(address - range.Base, data);
            return true;
        }

        return false;
    }

    private Range? Find(ulong address, ulong length)
    {
        Range[] ranges = Volatile.Read(ref _ranges);
        int low = 0, high = ranges.Length - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            Range candidate = ranges[middle];
            if (address < candidate.Base)
            {
                high = middle - 1;
            }
            else if (address - candidate.Base >= candidate.Size)
            {
                low = middle + 1;
            }
            else
            {
                // The whole access must fit: a load straddling the end is not the device's.
                return address - candidate.Base + length <= candidate.Size ? candidate : null;
            }
        }

        return null;
    }

    private sealed record Range(ulong Base, ulong Size, IMmioDevice Device);
}
