using System.Buffers.Binary;
using Parkway.Virtio.Diagnostics;
using Parkway.Virtio.Memory;

namespace Parkway.Virtio.Queues;

/// <summary>
/// Follows one descriptor chain from its head and validates everything the guest wrote, since all
/// of it is hostile input: next indices and heads inside the table, buffers inside guest RAM,
/// at most as many steps as the table has entries (a longer walk must revisit a descriptor, so it
/// is a loop: the walk always terminates), 32-bit total length, indirect tables (only when
/// negotiated, only one level, never combined with NEXT, non-empty and a whole number of
/// descriptors) and readable-before-writable order. Descriptors are copied into locals once, so a
/// guest changing the table during the walk cannot make a checked value differ from a used one.
/// </summary>
public static class DescriptorChainWalker
{
    /// <summary>Walks the chain starting at <paramref name="head"/> of the table at <paramref name="table"/>.</summary>
    public static bool TryWalk(
        IGuestMemory memory,
        ulong table,
        ushort queueSize,
        ushort head,
        ChainWalkOptions options,
        out DescriptorChain? chain,
        out ChainFault fault)
    {
        ArgumentNullException.ThrowIfNull(memory);
        chain = null;
        if (head >= queueSize)
        {
            fault = new(GuestErrorKind.DescriptorIndexOutOfRange, $"chain head {head} is not below the queue size {queueSize}");
            return false;
        }

        var readable = new List<GuestBuffer>();
        var writable = new List<GuestBuffer>();
        ulong readableLength = 0, writableLength = 0;
        ulong tableAddress = table;
        uint tableEntries = queueSize;
        bool inIndirect = false;
        uint index = head;
        int stepsInTable = 0, descriptors = 0;

        while (true)
        {
            if (++stepsInTable > tableEntries)
            {
                fault = new(GuestErrorKind.DescriptorLoop,
                    $"chain from head {head} visits more than the {tableEntries} descriptors of its {(inIndirect ? "indirect " : "")}table");
                return false;
            }

            if (++descriptors > options.MaxDescriptors)
            {
                fault = new(GuestErrorKind.ChainTooLong, $"chain from head {head} has more than {options.MaxDescriptors} descriptors");
                return false;
            }

            // index < tableEntries ≤ 2^16 (or the indirect table's checked length), so no overflow.
            ulong descriptorAddress = tableAddress + ((ulong)index * VirtqueueLayout.DescriptorSize);
            if (!memory.TryGetSpan(descriptorAddress, VirtqueueLayout.DescriptorSize, out Span<byte> raw))
            {
                fault = new(GuestErrorKind.DescriptorOutOfRange, $"descriptor {index} at 0x{descriptorAddress:x} is not in guest RAM");
                return false;
            }

            ulong address = BinaryPrimitives.ReadUInt64LittleEndian(raw[VirtqueueLayout.DescriptorAddressOffset..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(raw[VirtqueueLayout.DescriptorLengthOffset..]);
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(raw[VirtqueueLayout.DescriptorFlagsOffset..]);
            ushort next = BinaryPrimitives.ReadUInt16LittleEndian(raw[VirtqueueLayout.DescriptorNextOffset..]);

            if ((flags & VirtqueueLayout.DescriptorFlagIndirect) != 0)
            {
                if (!TryEnterIndirect(memory, options, inIndirect, index, address, length, flags, out fault))
                {
                    return false;
                }

                tableAddress = address;
                tableEntries = length / VirtqueueLayout.DescriptorSize;
                inIndirect = true;
                index = 0;
                stepsInTable = 0;
                descriptors--; // the indirect descriptor itself carries no data
                continue;
            }

            if (!memory.Contains(address, length))
            {
                fault = new(GuestErrorKind.DescriptorOutOfRange, $"descriptor {index} buffer 0x{address:x}+0x{length:x} is not in guest RAM");
                return false;
            }

            if ((flags & VirtqueueLayout.DescriptorFlagWrite) != 0)
            {
                writableLength += length;
                writable.Add(new GuestBuffer(address, length));
            }
            else
            {
                if (writable.Count > 0 && options.RequireReadableBeforeWritable)
                {
                    fault = new(GuestErrorKind.ReadableAfterWritable, $"descriptor {index} is device-readable but follows a device-writable one");
                    return false;
                }

                readableLength += length;
                readable.Add(new GuestBuffer(address, length));
            }

            // Each term is < 2^32 and there are < 2^17 of them, so the sums cannot wrap a ulong.
            if (readableLength + writableLength > uint.MaxValue)
            {
                fault = new(GuestErrorKind.ChainLengthOverflow, $"chain from head {head} is longer than 4 GiB in total");
                return false;
            }

            if ((flags & VirtqueueLayout.DescriptorFlagNext) == 0)
            {
                break;
            }

            if (next >= tableEntries)
            {
                fault = new(GuestErrorKind.DescriptorIndexOutOfRange, $"descriptor {index} points to next {next}, beyond the {tableEntries}-entry table");
                return false;
            }

            index = next;
        }

        chain = new DescriptorChain(head, readable, writable, (uint)readableLength, (uint)writableLength);
        fault = default;
        return true;
    }

    private static bool TryEnterIndirect(IGuestMemory memory, ChainWalkOptions options, bool inIndirect, uint index, ulong address, uint length, ushort flags, out ChainFault fault)
    {
        if (!options.IndirectAllowed)
        {
            fault = new(GuestErrorKind.IndirectNotNegotiated, $"descriptor {index} is indirect but VIRTIO_RING_F_INDIRECT_DESC was not negotiated");
        }
        else if (inIndirect)
        {
            fault = new(GuestErrorKind.NestedIndirect, $"descriptor {index} of an indirect table is itself indirect");
        }
        else if ((flags & VirtqueueLayout.DescriptorFlagNext) != 0)
        {
            fault = new(GuestErrorKind.IndirectWithNext, $"descriptor {index} has both INDIRECT and NEXT");
        }
        else if (length == 0 || length % VirtqueueLayout.DescriptorSize != 0)
        {
            fault = new(GuestErrorKind.BadIndirectLength, $"indirect table length {length} is not a positive multiple of {VirtqueueLayout.DescriptorSize}");
        }
        else if (length / VirtqueueLayout.DescriptorSize > VirtqueueLayout.MaxQueueSize)
        {
            fault = new(GuestErrorKind.ChainTooLong, $"indirect table of {length / VirtqueueLayout.DescriptorSize} descriptors exceeds {VirtqueueLayout.MaxQueueSize}");
        }
        else if (!memory.Contains(address, length))
        {
            fault = new(GuestErrorKind.DescriptorOutOfRange, $"indirect table 0x{address:x}+0x{length:x} is not in guest RAM");
        }
        else
        {
            fault = default;
            return true;
        }

        return false;
    }
}
