using System.Buffers.Binary;
using Parkway.Acpi.Devices;

namespace Parkway.Acpi.Registers;

/// <summary>
/// The Generic Event Device's event selector: a 32-bit register that accumulates raised event
/// bits and returns-and-clears them on a 4-byte read at offset 0. Writes are ignored. Lock-free:
/// any thread may <see cref="Raise"/> while vCPU threads read.
/// </summary>
public sealed class GedRegisters
{
    /// <summary>Size of the register window.</summary>
    public const int Length = 4;

    private readonly Action _pulseInterrupt;
    private uint _pending;

    /// <summary>Creates the device; <paramref name="pulseInterrupt"/> raises the GED's (edge) interrupt.</summary>
    public GedRegisters(Action pulseInterrupt)
    {
        ArgumentNullException.ThrowIfNull(pulseInterrupt);
        _pulseInterrupt = pulseInterrupt;
    }

    /// <summary>Raised for every malformed access.</summary>
    public event Action<RegisterFault>? Rejected;

    /// <summary>Event bits raised and not yet read by the guest.</summary>
    public uint PendingEvents => Volatile.Read(ref _pending);

    /// <summary>Latches <paramref name="events"/> and pulses the interrupt.</summary>
    public void Raise(GedEventBits events) => Raise((uint)events);

    /// <summary>Latches <paramref name="eventBits"/> and pulses the interrupt.</summary>
    public void Raise(uint eventBits)
    {
        Interlocked.Or(ref _pending, eventBits);
        _pulseInterrupt();
    }

    /// <summary>Machine reset: events the old guest did not read are dropped (the next guest scans at boot).</summary>
    public void Reset() => Interlocked.Exchange(ref _pending, 0);

    /// <summary>Handles a guest read; only a 4-byte read at offset 0 returns (and clears) the events.</summary>
    public void Read(uint offset, Span<byte> data)
    {
        data.Clear();
        if (offset != 0 || data.Length != 4)
        {
            Rejected?.Invoke(new(RegisterFaultKind.BadAccess, $"{data.Length}-byte read at offset 0x{offset:x} ignored"));
            return;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(data, Interlocked.Exchange(ref _pending, 0));
    }

    /// <summary>Handles a guest write: the selector is read-only, so every write is ignored.</summary>
    public void Write(uint offset, ReadOnlySpan<byte> data) =>
        Rejected?.Invoke(new(RegisterFaultKind.ReadOnlyWrite, $"{data.Length}-byte write at offset 0x{offset:x} ignored"));
}
