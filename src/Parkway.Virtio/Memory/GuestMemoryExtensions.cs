using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Parkway.Virtio.Memory;

/// <summary>
/// Little-endian accessors over <see cref="IGuestMemory"/> (virtio 1.x structures are little
/// endian whatever the guest's byte order). Each throws <see cref="GuestMemoryFaultException"/>
/// for a range outside guest RAM.
/// </summary>
public static class GuestMemoryExtensions
{
    /// <summary>The view of a range, or a <see cref="GuestMemoryFaultException"/>.</summary>
    public static Span<byte> GetSpan(this IGuestMemory memory, ulong address, ulong length)
    {
        ArgumentNullException.ThrowIfNull(memory);
        return memory.TryGetSpan(address, length, out Span<byte> span)
            ? span
            : throw new GuestMemoryFaultException(address, length);
    }

    /// <summary>
    /// An iovec over a guest range, for handing guest buffers to the kernel by address (readv,
    /// writev, preadv, pwritev) without a copy; a <see cref="GuestMemoryFaultException"/> outside RAM.
    /// </summary>
    public static unsafe Parkway.Interop.IoVector GetIoVector(this IGuestMemory memory, ulong address, ulong length)
    {
        Span<byte> range = memory.GetSpan(address, length);
        // SAFETY: IGuestMemory's contract is that the memory behind a span never moves, so its
        // address stays valid after the span itself is gone (for the duration of the device).
        return new Parkway.Interop.IoVector { Base = Unsafe.AsPointer(ref MemoryMarshal.GetReference(range)), Length = (nuint)range.Length };
    }

    /// <summary>True when the whole range is guest RAM.</summary>
    public static bool Contains(this IGuestMemory memory, ulong address, ulong length)
    {
        ArgumentNullException.ThrowIfNull(memory);
        return memory.TryGetSpan(address, length, out _);
    }

    /// <summary>Copies guest memory into <paramref name="destination"/>.</summary>
    public static void Read(this IGuestMemory memory, ulong address, Span<byte> destination) =>
        memory.GetSpan(address, (ulong)destination.Length).CopyTo(destination);

    /// <summary>Copies <paramref name="source"/> into guest memory.</summary>
    public static void Write(this IGuestMemory memory, ulong address, ReadOnlySpan<byte> source) =>
        source.CopyTo(memory.GetSpan(address, (ulong)source.Length));

    /// <summary>Reads a little-endian u16.</summary>
    public static ushort ReadUInt16(this IGuestMemory memory, ulong address) =>
        BinaryPrimitives.ReadUInt16LittleEndian(memory.GetSpan(address, 2));

    /// <summary>Reads a little-endian u32.</summary>
    public static uint ReadUInt32(this IGuestMemory memory, ulong address) =>
        BinaryPrimitives.ReadUInt32LittleEndian(memory.GetSpan(address, 4));

    /// <summary>Reads a little-endian u64.</summary>
    public static ulong ReadUInt64(this IGuestMemory memory, ulong address) =>
        BinaryPrimitives.ReadUInt64LittleEndian(memory.GetSpan(address, 8));

    /// <summary>Writes a little-endian u16.</summary>
    public static void WriteUInt16(this IGuestMemory memory, ulong address, ushort value) =>
        BinaryPrimitives.WriteUInt16LittleEndian(memory.GetSpan(address, 2), value);

    /// <summary>Writes a little-endian u32.</summary>
    public static void WriteUInt32(this IGuestMemory memory, ulong address, uint value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(memory.GetSpan(address, 4), value);

    /// <summary>Writes a little-endian u64.</summary>
    public static void WriteUInt64(this IGuestMemory memory, ulong address, ulong value) =>
        BinaryPrimitives.WriteUInt64LittleEndian(memory.GetSpan(address, 8), value);
}
