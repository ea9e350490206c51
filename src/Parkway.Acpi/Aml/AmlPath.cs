using System.Text;

namespace Parkway.Acpi.Aml;

/// <summary>
/// An AML NameString (ACPI 6.5 §20.2.2): optional root <c>\</c> or parent <c>^</c> prefixes and
/// zero or more dot-separated NameSegs. Segments shorter than four characters are padded with
/// '_' exactly as the ASL compiler does (<c>_SB</c> becomes <c>_SB_</c>). As a term it is a
/// reference to the named object.
/// </summary>
public sealed class AmlPath : IAmlWritable
{
    private readonly byte[] _encoded;

    /// <summary>Parses an ASL-style path such as <c>\_SB.CPUS.CSCN</c>, <c>^C000</c> or <c>CSEL</c>.</summary>
    /// <exception cref="ArgumentException">The path is malformed.</exception>
    public AmlPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Text = path;
        _encoded = Encode(path);
    }

    /// <summary>The path as given.</summary>
    public string Text { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer) => writer.WriteBytes(_encoded);

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>
    /// Encodes one NameSeg (1..4 characters of A-Z, 0-9, '_', not starting with a digit), padded
    /// with '_' to four bytes.
    /// </summary>
    public static byte[] EncodeNameSeg(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (segment.Length is < 1 or > 4)
        {
            throw new ArgumentException($"ACPI name segment '{segment}' must be 1 to 4 characters.", nameof(segment));
        }

        if (char.IsAsciiDigit(segment[0]))
        {
            throw new ArgumentException($"ACPI name segment '{segment}' must not start with a digit.", nameof(segment));
        }

        foreach (var c in segment)
        {
            if (!(char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                throw new ArgumentException($"ACPI name segment '{segment}' may only hold A-Z, 0-9 and '_'.", nameof(segment));
            }
        }

        return Encoding.ASCII.GetBytes(segment.PadRight(4, '_'));
    }

    private static byte[] Encode(string path)
    {
        var writer = new AmlWriter();
        var rest = path.AsSpan();
        if (rest.StartsWith("\\"))
        {
            writer.WriteByte(AmlOpcodes.RootChar);
            rest = rest[1..];
        }
        else
        {
            while (rest.StartsWith("^"))
            {
                writer.WriteByte(AmlOpcodes.ParentPrefixChar);
                rest = rest[1..];
            }
        }

        if (rest.IsEmpty)
        {
            // "\" alone (or "^") names the scope itself: the prefix followed by NullName.
            writer.WriteByte(AmlOpcodes.NullName);
            return writer.ToArray();
        }

        var segments = rest.ToString().Split('.');
        switch (segments.Length)
        {
            case 1:
                break;
            case 2:
                writer.WriteByte(AmlOpcodes.DualNamePrefix);
                break;
            case > 255:
                throw new ArgumentException($"ACPI path '{path}' has too many segments.", nameof(path));
            default:
                writer.WriteByte(AmlOpcodes.MultiNamePrefix);
                writer.WriteByte((byte)segments.Length);
                break;
        }

        foreach (var segment in segments)
        {
            writer.WriteBytes(EncodeNameSeg(segment));
        }

        return writer.ToArray();
    }
}
