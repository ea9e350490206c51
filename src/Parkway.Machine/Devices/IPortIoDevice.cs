namespace Parkway.Machine.Devices;

/// <summary>
/// A device reached by guest port I/O (x86 IN/OUT). Offsets are relative to the device's first
/// port; the span length is the access size (1, 2 or 4). Called from vCPU threads, possibly several
/// at once.
/// </summary>
public interface IPortIoDevice
{
    /// <summary>Fills <paramref name="data"/> for a guest IN.</summary>
    void Read(ushort offset, Span<byte> data);

    /// <summary>Applies a guest OUT.</summary>
    void Write(ushort offset, ReadOnlySpan<byte> data);
}
