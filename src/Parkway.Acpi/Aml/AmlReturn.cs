namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Return (value)</c>.</summary>
public sealed class AmlReturn : IAmlWritable
{
    /// <summary>Returns <paramref name="value"/> from the enclosing method.</summary>
    public AmlReturn(IAmlWritable value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    /// <summary>The returned value.</summary>
    public IAmlWritable Value { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(AmlOpcodes.ReturnOp);
        writer.Write(Value);
    }
}
