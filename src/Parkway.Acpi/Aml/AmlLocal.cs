namespace Parkway.Acpi.Aml;

/// <summary>A method local variable, ASL <c>Local0</c> .. <c>Local7</c>.</summary>
public sealed class AmlLocal : IAmlWritable
{
    /// <summary>Selects local <paramref name="index"/> (0..7).</summary>
    public AmlLocal(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 7);
        Index = index;
    }

    /// <summary>The local's number.</summary>
    public int Index { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer) => writer.WriteByte((byte)(AmlOpcodes.Local0Op + Index));
}
