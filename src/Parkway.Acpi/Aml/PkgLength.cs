namespace Parkway.Acpi.Aml;

/// <summary>
/// The AML PkgLength encoding (ACPI 6.5 §20.2.4): 1 to 4 bytes; the lead byte's bits 7:6 give the
/// number of following bytes. A one-byte form holds 0..63 in bits 5:0; longer forms put the low
/// nibble in the lead byte (bits 5:4 must be zero) and 8 more bits in each following byte.
/// </summary>
public static class PkgLength
{
    /// <summary>The largest value the 4-byte form can hold (28 bits).</summary>
    public const int MaxValue = (1 << 28) - 1;

    /// <summary>
    /// Writes the PkgLength of a package whose body is <paramref name="bodyLength"/> bytes long.
    /// For packages the encoded value counts the PkgLength bytes themselves, so the size of the
    /// encoding is chosen first and then added in.
    /// </summary>
    public static void WriteIncludingItself(AmlWriter writer, int bodyLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bodyLength);
        for (var size = 1; size <= 4; size++)
        {
            var total = bodyLength + size;
            if (EncodedSize(total) == size)
            {
                WriteValue(writer, total);
                return;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(bodyLength), bodyLength, "AML package too large for a PkgLength.");
    }

    /// <summary>
    /// Writes <paramref name="value"/> verbatim in the PkgLength format. Field units use this:
    /// their bit widths do not count the encoding bytes.
    /// </summary>
    public static void WriteValue(AmlWriter writer, int value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var size = EncodedSize(value);
        if (size == 1)
        {
            writer.WriteByte((byte)value);
            return;
        }

        writer.WriteByte((byte)(((size - 1) << 6) | (value & 0x0F)));
        for (var i = 1; i < size; i++)
        {
            writer.WriteByte((byte)(value >> (4 + (8 * (i - 1)))));
        }
    }

    /// <summary>Bytes needed to encode <paramref name="value"/> (1..4).</summary>
    public static int EncodedSize(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxValue);
        return value switch
        {
            <= 0x3F => 1,
            <= 0xFFF => 2,
            <= 0xFFFFF => 3,
            _ => 4,
        };
    }
}
