using System.Text;

namespace Parkway.Acpi.Aml;

/// <summary>A string constant: StringPrefix, ASCII characters (1..0x7F), NUL.</summary>
public sealed class AmlString : IAmlWritable
{
    /// <summary>Creates a string constant.</summary>
    /// <exception cref="ArgumentException">The string holds NUL or non-ASCII characters.</exception>
    public AmlString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c is '\0' or > '\x7F')
            {
                throw new ArgumentException("AML strings hold ASCII characters 0x01-0x7F only.", nameof(value));
            }
        }

        Value = value;
    }

    /// <summary>The characters.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(AmlOpcodes.StringPrefix);
        writer.WriteBytes(Encoding.ASCII.GetBytes(Value));
        writer.WriteByte(0);
    }
}
