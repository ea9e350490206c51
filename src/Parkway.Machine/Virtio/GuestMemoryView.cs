using Parkway.Machine.Memory;
using Parkway.Virtio.Memory;

namespace Parkway.Machine.Virtio;

/// <summary>
/// Guest RAM as the virtio devices see it: the one bounds check of <see cref="GuestMemory.Contains"/>
/// in front of every view a device takes, so a guest-supplied ring or buffer address can never
/// reach host memory outside the RAM mapping.
/// </summary>
public sealed class GuestMemoryView(GuestMemory memory) : IGuestMemory
{
    /// <inheritdoc />
    public bool TryGetSpan(ulong address, ulong length, out Span<byte> span)
    {
        if (length > int.MaxValue || !memory.Contains(address, length))
        {
            span = [];
            return false;
        }

        span = memory.Slice(address, (int)length);
        return true;
    }
}
