namespace Parkway.Machine.Devices;

/// <summary>
/// A device reached by guest loads and stores. Offsets are relative to the device's base; the
/// span length is the access size. Called from vCPU threads, possibly several at once.
/// </summary>
public interface IMmioDevice
{
    /// <summary>Fills <paramref name="data"/> for a guest load.</summary>
    void Read(ulong offset, Span<byte> data);

    /// <summary>Applies a guest store.</summary>
    void Write(ulong offset, ReadOnlySpan<byte> data);
}

/// <summary>An interrupt line a device drives (level semantics; edge = raise then lower).</summary>
public interface IInterruptLine
{
    /// <summary>Sets the line level.</summary>
    void SetLevel(bool asserted);
}
