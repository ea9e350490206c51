namespace Parkway.Machine.Devices;

/// <summary>
/// Routes guest port I/O to devices, beside the <see cref="MmioBus"/>: the same lock-free map over
/// the 64 KiB port space. arm64 has no port I/O, so its bus stays empty; an x86 machine registers its
/// legacy devices here.
/// </summary>
public sealed class PortIoBus
{
    private const ulong PortSpace = 0x1_0000;

    private readonly AddressRangeMap<IPortIoDevice> _map = new();

    /// <summary>Maps <paramref name="device"/> at ports [<paramref name="firstPort"/>, +<paramref name="count"/>).</summary>
    public void Register(ushort firstPort, ushort count, IPortIoDevice device)
    {
        if (firstPort + (ulong)count > PortSpace)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"ports 0x{firstPort:x}+0x{count:x} run past 0xffff");
        }

        _map.Register(firstPort, count, device, "port I/O");
    }

    /// <summary>
    /// Dispatches an IN; returns false when no device has the port, and then reads all ones, as an
    /// unclaimed port does on a PC.
    /// </summary>
    public bool Read(ushort port, Span<byte> data)
    {
        if (_map.TryFind(port, (ulong)data.Length, out IPortIoDevice device, out ulong offset))
        {
            device.Read((ushort)offset, data);
            return true;
        }

        data.Fill(0xFF);
        return false;
    }

    /// <summary>Dispatches an OUT; returns false when no device has the port.</summary>
    public bool Write(ushort port, ReadOnlySpan<byte> data)
    {
        if (_map.TryFind(port, (ulong)data.Length, out IPortIoDevice device, out ulong offset))
        {
            device.Write((ushort)offset, data);
            return true;
        }

        return false;
    }
}
