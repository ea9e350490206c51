namespace Parkway.Acpi.Aml.Resources;

/// <summary>
/// ASL <c>QWordMemory (ResourceConsumer, PosDecode, MinFixed, MaxFixed, Cacheable|NonCacheable,
/// ReadWrite, 0, min, max, 0, length)</c>: QWord Address Space Descriptor (large item 0x8A) for a
/// fixed memory range consumed by a device.
/// </summary>
public sealed class AmlQWordMemory : IAmlResourceDescriptor
{
    /// <summary>Describes <paramref name="length"/> bytes at <paramref name="baseAddress"/>.</summary>
    public AmlQWordMemory(ulong baseAddress, ulong length, bool cacheable = false, bool readWrite = true)
    {
        ArgumentOutOfRangeException.ThrowIfZero(length);
        BaseAddress = baseAddress;
        Length = length;
        Cacheable = cacheable;
        ReadWrite = readWrite;
    }

    /// <summary>Start address.</summary>
    public ulong BaseAddress { get; }

    /// <summary>Size in bytes.</summary>
    public ulong Length { get; }

    /// <summary>Cacheable (true) or NonCacheable.</summary>
    public bool Cacheable { get; }

    /// <summary>ReadWrite (true) or ReadOnly.</summary>
    public bool ReadWrite { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(0x8A);
        writer.WriteUInt16(43); // bytes after the 3-byte large item header
        writer.WriteByte(0); // resource type: memory range
        // General flags: bit3 MaxFixed, bit2 MinFixed, bit1 SubDecode (0 = PosDecode), bit0 ResourceConsumer.
        writer.WriteByte(0x0C | 0x01);
        // Type-specific flags: bits 2:1 memory attribute (1 = cacheable), bit0 read/write.
        writer.WriteByte((byte)((Cacheable ? 0x02 : 0) | (ReadWrite ? 0x01 : 0)));
        writer.WriteUInt64(0); // granularity
        writer.WriteUInt64(BaseAddress);
        writer.WriteUInt64(BaseAddress + Length - 1);
        writer.WriteUInt64(0); // translation offset
        writer.WriteUInt64(Length);
    }
}
