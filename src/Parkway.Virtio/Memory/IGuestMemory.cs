namespace Parkway.Virtio.Memory;

/// <summary>
/// Guest physical memory as the virtio devices see it. The only primitive is a bounds-checked
/// view: every helper (reads, writes, ring fields) goes through it, so a guest-supplied address
/// can never reach host memory outside the guest's RAM. The machine's GuestMemory implements it
/// through a small adapter; tests use a byte array.
/// <para>Contract: the memory behind a returned span never moves while the device that asked for it
/// exists (guest RAM is an mmap; the test array lives on the pinned object heap). Devices rely on it
/// to hand guest buffers to the kernel by address (writev of a transmitted frame) without copying.</para>
/// </summary>
public interface IGuestMemory
{
    /// <summary>
    /// A writable view of [<paramref name="address"/>, +<paramref name="length"/>) when the whole
    /// range lies inside guest RAM; false (and an empty span) otherwise, including when the range
    /// wraps past 2^64 or is longer than a span can be.
    /// </summary>
    bool TryGetSpan(ulong address, ulong length, out Span<byte> span);
}
