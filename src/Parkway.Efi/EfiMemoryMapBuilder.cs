using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Parkway.Efi;

/// <summary>
/// Builds the EFI memory map handed to Linux through the FDT <c>/chosen</c> node
/// (<c>linux,uefi-mmap-*</c>): 48-byte version-1 descriptors, sorted by address.
/// </summary>
/// <remarks>
/// Descriptor layout (EFI_MEMORY_DESCRIPTOR is 40 bytes; the stride is 48 as edk2 reports it, and
/// Linux walks the map by the stride it is given): u32 Type, u32 padding, u64 PhysicalStart,
/// u64 VirtualStart, u64 NumberOfPages, u64 Attribute, 8 bytes padding.
/// </remarks>
public sealed class EfiMemoryMapBuilder
{
    /// <summary>EFI pages are always 4 KiB, whatever the kernel's own page size.</summary>
    public const ulong PageSize = 4096;

    private const int DescriptorStride = 48;
    private const uint Version = 1;

    private readonly List<EfiMemoryDescriptor> _descriptors = [];

    /// <summary>Bytes per descriptor: the value for <c>linux,uefi-mmap-desc-size</c>.</summary>
    [SuppressMessage("Performance", "CA1822", Justification = "Read next to Count and SizeInBytes when filling /chosen.")]
    public int DescriptorSize => DescriptorStride;

    /// <summary>Descriptor format version: the value for <c>linux,uefi-mmap-desc-ver</c>.</summary>
    [SuppressMessage("Performance", "CA1822", Justification = "Read next to Count and SizeInBytes when filling /chosen.")]
    public uint DescriptorVersion => Version;

    /// <summary>Number of descriptors added so far.</summary>
    public int Count => _descriptors.Count;

    /// <summary>Size of the built map in bytes: the value for <c>linux,uefi-mmap-size</c>.</summary>
    public int SizeInBytes => _descriptors.Count * DescriptorStride;

    /// <summary>The descriptors, sorted by physical address.</summary>
    public IReadOnlyList<EfiMemoryDescriptor> Descriptors => [.. _descriptors.OrderBy(d => d.PhysicalStart)];

    /// <summary>Adds a range.</summary>
    /// <exception cref="ArgumentException">
    /// Unknown type; start or size not 4 KiB aligned; empty range; range wrapping past 2^64; memory
    /// (any type but memory-mapped I/O) without write-back; or the range overlaps one added before.
    /// </exception>
    public EfiMemoryMapBuilder Add(EfiMemoryType type, ulong physicalStart, ulong size, ulong attribute = EfiMemoryAttributes.Default)
    {
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentException($"Unknown EFI memory type {(uint)type}.", nameof(type));
        }

        if (physicalStart % PageSize != 0)
        {
            throw new ArgumentException($"Start 0x{physicalStart:x} is not 4 KiB aligned.", nameof(physicalStart));
        }

        if (size == 0 || size % PageSize != 0)
        {
            throw new ArgumentException($"Size 0x{size:x} must be a non-zero multiple of 4 KiB.", nameof(size));
        }

        if (physicalStart > ulong.MaxValue - size + 1)
        {
            throw new ArgumentException(
                $"Range 0x{physicalStart:x} + 0x{size:x} wraps past the end of the address space.", nameof(size));
        }

        if ((attribute & EfiMemoryAttributes.WriteBack) == 0 && type != EfiMemoryType.MemoryMappedIo)
        {
            // Linux's efi_init() only adds WB/WT/WC ranges to memblock; without WB the RAM (or the
            // reserved table region) silently disappears and the guest panics early.
            throw new ArgumentException(
                $"Attribute 0x{attribute:x} lacks EFI_MEMORY_WB (0x8); Linux would ignore the range.", nameof(attribute));
        }

        var added = new EfiMemoryDescriptor(type, physicalStart, size / PageSize, attribute);
        foreach (EfiMemoryDescriptor existing in _descriptors)
        {
            // Compare last bytes, not ends: a range ending at 2^64 has End == 0.
            ulong addedLast = added.PhysicalStart + (size - 1);
            ulong existingLast = existing.PhysicalStart + (existing.Size - 1);
            if (added.PhysicalStart <= existingLast && existing.PhysicalStart <= addedLast)
            {
                throw new ArgumentException(
                    $"{type} range [0x{physicalStart:x}, 0x{addedLast:x}] overlaps {existing.Type} range " +
                    $"[0x{existing.PhysicalStart:x}, 0x{existingLast:x}].",
                    nameof(physicalStart));
            }
        }

        _descriptors.Add(added);
        return this;
    }

    /// <summary>Serialises the map, little-endian, sorted by address.</summary>
    public byte[] Build()
    {
        IReadOnlyList<EfiMemoryDescriptor> sorted = Descriptors;
        byte[] map = new byte[sorted.Count * DescriptorStride];
        for (int i = 0; i < sorted.Count; i++)
        {
            Span<byte> entry = map.AsSpan(i * DescriptorStride, DescriptorStride);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[0..], (uint)sorted[i].Type);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], sorted[i].PhysicalStart);
            // VirtualStart (16): a runtime range is identity-mapped, as if SetVirtualAddressMap had
            // been called with VA = PA (Linux maps it there in efi_mm; 0 would mean "no mapping" and
            // U64_MAX "none installed", both of which disable runtime services). Other ranges: 0.
            ulong virtualStart = (sorted[i].Attribute & EfiMemoryAttributes.Runtime) != 0 ? sorted[i].PhysicalStart : 0;
            BinaryPrimitives.WriteUInt64LittleEndian(entry[16..], virtualStart);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], sorted[i].NumberOfPages);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[32..], sorted[i].Attribute);
        }

        return map;
    }
}
