using System.Numerics;
using Parkway.Virtio.Memory;

namespace Parkway.Virtio.Queues;

/// <summary>
/// The checks a queue configuration must pass before the device will use it (when the driver sets
/// QueueReady). After this, every ring field access stays inside ranges known to be guest RAM.
/// </summary>
public static class VirtqueueValidation
{
    /// <summary>Why a queue size is refused, or null when it is a power of two in [1, <paramref name="maxSize"/>].</summary>
    public static string? CheckSize(uint size, int maxSize)
    {
        if (size == 0 || size > (uint)maxSize)
        {
            return $"queue size {size} is outside 1..{maxSize}";
        }

        return BitOperations.IsPow2(size) ? null : $"queue size {size} is not a power of two";
    }

    /// <summary>Why the queue cannot be made ready, or null when size, alignment and ranges are valid.</summary>
    public static string? Check(IGuestMemory memory, VirtqueueState queue, int maxSize)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(queue);
        string? sizeError = CheckSize(queue.Size, maxSize);
        if (sizeError is not null)
        {
            return sizeError;
        }

        return CheckArea(memory, "descriptor table", queue.DescriptorTable, VirtqueueLayout.DescriptorTableAlignment, VirtqueueLayout.DescriptorTableBytes(queue.Size))
            ?? CheckArea(memory, "avail ring", queue.DriverArea, VirtqueueLayout.AvailRingAlignment, VirtqueueLayout.AvailRingBytes(queue.Size))
            ?? CheckArea(memory, "used ring", queue.DeviceArea, VirtqueueLayout.UsedRingAlignment, VirtqueueLayout.UsedRingBytes(queue.Size));
    }

    private static string? CheckArea(IGuestMemory memory, string name, ulong address, int alignment, ulong length)
    {
        if (address % (ulong)alignment != 0)
        {
            return $"{name} at 0x{address:x} is not {alignment}-byte aligned";
        }

        return memory.Contains(address, length) ? null : $"{name} 0x{address:x}+0x{length:x} is not in guest RAM";
    }
}
