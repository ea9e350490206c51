namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>OperationRegion (name, space, offset, length)</c>.</summary>
public sealed class AmlOperationRegion : IAmlWritable
{
    /// <summary>Declares a region of <paramref name="length"/> bytes at <paramref name="offset"/>.</summary>
    public AmlOperationRegion(string name, AmlRegionSpace space, ulong offset, ulong length)
    {
        Name = new AmlPath(name);
        Space = space;
        Offset = offset;
        Length = length;
    }

    /// <summary>The region's name.</summary>
    public AmlPath Name { get; }

    /// <summary>The address space.</summary>
    public AmlRegionSpace Space { get; }

    /// <summary>Base address in the space.</summary>
    public ulong Offset { get; }

    /// <summary>Size in bytes.</summary>
    public ulong Length { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(AmlOpcodes.ExtOpPrefix);
        writer.WriteByte(AmlOpcodes.OpRegionOp);
        writer.Write(Name);
        writer.WriteByte((byte)Space);
        writer.Write(new AmlInteger(Offset));
        writer.Write(new AmlInteger(Length));
    }
}
