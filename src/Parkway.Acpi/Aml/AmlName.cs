namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Name (name, value)</c>: declares a named data object.</summary>
public sealed class AmlName : IAmlWritable
{
    /// <summary>Declares <paramref name="name"/> with <paramref name="value"/>.</summary>
    public AmlName(string name, IAmlWritable value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Name = new AmlPath(name);
        Value = value;
    }

    /// <summary>The object's name.</summary>
    public AmlPath Name { get; }

    /// <summary>The object's value (integer, string, buffer, package ...).</summary>
    public IAmlWritable Value { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(AmlOpcodes.NameOp);
        writer.Write(Name);
        writer.Write(Value);
    }
}
