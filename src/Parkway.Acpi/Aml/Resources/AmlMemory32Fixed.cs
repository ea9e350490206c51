namespace Parkway.Acpi.Aml.Resources;

/// <summary>ASL <c>Memory32Fixed (ReadWrite|ReadOnly, base, length)</c>: large item 0x86, 12 bytes.</summary>
public sealed class AmlMemory32Fixed : IAmlResourceDescriptor
{
    /// <summary>Describes <paramref name="length"/> bytes at <paramref name="baseAddress"/>.</summary>
    public AmlMemory32Fixed(uint baseAddress, uint length, bool readWrite = true)
    {
        BaseAddress = baseAddress;
        Length = length;
        ReadWrite = readWrite;
    }

    /// <summary>
    /// Describes a device's MMIO window given by its 64-bit address, which Memory32Fixed can only
    /// hold when it lies below 4 GiB (every window of the virt memory map does).
    /// </summary>
    public static AmlMemory32Fixed Window(ulong baseAddress, uint length) =>
        baseAddress <= uint.MaxValue
            ? new AmlMemory32Fixed((uint)baseAddress, length)
            : throw new ArgumentOutOfRangeException(nameof(baseAddress), baseAddress, "Memory32Fixed needs an address below 4 GiB.");

    /// <summary>Start address.</summary>
    public uint BaseAddress { get; }

    /// <summary>Size in bytes.</summary>
    public uint Length { get; }

    /// <summary>ReadWrite (true) or ReadOnly.</summary>
    public bool ReadWrite { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(0x86);
        writer.WriteUInt16(9); // bytes after the 3-byte large item header
        writer.WriteByte(ReadWrite ? (byte)1 : (byte)0);
        writer.WriteUInt32(BaseAddress);
        writer.WriteUInt32(Length);
    }
}
