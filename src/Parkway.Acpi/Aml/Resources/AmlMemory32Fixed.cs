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
