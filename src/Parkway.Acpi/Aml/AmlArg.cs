namespace Parkway.Acpi.Aml;

/// <summary>A method argument, ASL <c>Arg0</c> .. <c>Arg6</c>.</summary>
public sealed class AmlArg : IAmlWritable
{
    /// <summary>Selects argument <paramref name="index"/> (0..6).</summary>
    public AmlArg(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 6);
        Index = index;
    }

    /// <summary>The argument's number.</summary>
    public int Index { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer) => writer.WriteByte((byte)(AmlOpcodes.Arg0Op + Index));
}
