namespace Parkway.Machine.Devices;

/// <summary>
/// Routes guest MMIO to devices. The address map is an immutable sorted array swapped atomically
/// on change, so vCPU threads dispatch with a binary search and no lock.
/// </summary>
public sealed class MmioBus
{
    private readonly AddressRangeMap<IMmioDevice> _map = new();

    /// <summary>Maps <paramref name="device"/> at [<paramref name="baseAddress"/>, +<paramref name="size"/>).</summary>
    public void Register(ulong baseAddress, ulong size, IMmioDevice device) => _map.Register(baseAddress, size, device, "MMIO");

    /// <summary>Dispatches a load; returns false (and zero-fills) when nothing is mapped there.</summary>
    public bool Read(ulong address, Span<byte> data)
    {
        if (_map.TryFind(address, (ulong)data.Length, out IMmioDevice device, out ulong offset))
        {
            device.Read(offset, data);
            return true;
        }

        data.Clear();
        return false;
    }

    /// <summary>Dispatches a store; returns false when nothing is mapped there.</summary>
    public bool Write(ulong address, ReadOnlySpan<byte> data)
    {
        if (_map.TryFind(address, (ulong)data.Length, out IMmioDevice device, out ulong offset))
        {
            device.Write(offset, data);
            return true;
        }

        return false;
    }
}
