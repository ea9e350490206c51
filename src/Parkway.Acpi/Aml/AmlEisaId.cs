namespace Parkway.Acpi.Aml;

/// <summary>
/// ASL <c>EISAID("PNP0A05")</c>: a compressed 7-character EISA id packed into 32 bits (three
/// 5-bit letters, four hex digits) and, like the ASL compiler, always emitted as a DWordConst.
/// </summary>
public sealed class AmlEisaId : IAmlWritable
{
    /// <summary>Compresses <paramref name="id"/> (three letters A-Z then four hex digits).</summary>
    /// <exception cref="ArgumentException">The id is malformed.</exception>
    public AmlEisaId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length != 7 || !char.IsAsciiLetterUpper(id[0]) || !char.IsAsciiLetterUpper(id[1]) ||
            !char.IsAsciiLetterUpper(id[2]) || !IsHex(id.AsSpan(3)))
        {
            throw new ArgumentException($"'{id}' is not an EISA id like PNP0A05.", nameof(id));
        }

        Id = id;
        var vendor = ((id[0] - '@') << 10) | ((id[1] - '@') << 5) | (id[2] - '@');
        var product = Convert.ToUInt16(id[3..], 16);

        // The id is stored big-endian within the little-endian DWord: vendor bytes first.
        Value = (uint)(((vendor >> 8) & 0xFF) | ((vendor & 0xFF) << 8) | ((product >> 8) << 16) | ((product & 0xFF) << 24));
    }

    /// <summary>The id as text.</summary>
    public string Id { get; }

    /// <summary>The compressed value as stored in the AML DWord.</summary>
    public uint Value { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(AmlOpcodes.DWordPrefix);
        writer.WriteUInt32(Value);
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitUpper(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
