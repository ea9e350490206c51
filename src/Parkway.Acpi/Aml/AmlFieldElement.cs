namespace Parkway.Acpi.Aml;

/// <summary>
/// One entry of a Field list: a named field unit (<c>CPEN, 1</c>), unnamed reserved bits
/// (<c>, 3</c>) or an ASL <c>Offset (n)</c> (a jump to byte n, which the encoder turns into
/// reserved bits, as the ASL compiler does).
/// </summary>
public sealed class AmlFieldElement
{
    private readonly int _value;

    private AmlFieldElement(string? name, int value, bool isOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        Name = name;
        _value = value;
        IsOffset = isOffset;
    }

    /// <summary>The field unit's NameSeg, or null for reserved bits and offsets.</summary>
    public string? Name { get; }

    /// <summary>Whether this entry is an <c>Offset (n)</c>.</summary>
    public bool IsOffset { get; }

    /// <summary>Width in bits (named or reserved), or the target byte offset for an Offset.</summary>
    public int Value => _value;

    /// <summary>A named field unit of <paramref name="bitWidth"/> bits.</summary>
    public static AmlFieldElement Named(string name, int bitWidth)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bitWidth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitWidth, PkgLength.MaxValue);
        _ = AmlPath.EncodeNameSeg(name);
        return new AmlFieldElement(name, bitWidth, isOffset: false);
    }

    /// <summary><paramref name="bitWidth"/> unnamed (skipped) bits.</summary>
    public static AmlFieldElement Reserved(int bitWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bitWidth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitWidth, PkgLength.MaxValue);
        return new AmlFieldElement(null, bitWidth, isOffset: false);
    }

    /// <summary>ASL <c>Offset (byteOffset)</c>: the next unit starts at that byte of the region.</summary>
    public static AmlFieldElement Offset(int byteOffset) => new(null, byteOffset, isOffset: true);

    /// <summary>Writes this entry; <paramref name="bitPosition"/> tracks the running bit offset.</summary>
    internal void WriteTo(AmlWriter writer, ref int bitPosition)
    {
        var bits = _value;
        if (IsOffset)
        {
            bits = (_value * 8) - bitPosition;
            if (bits < 0)
            {
                throw new InvalidOperationException($"Field Offset ({_value}) lies before the current bit position {bitPosition}.");
            }

            if (bits == 0)
            {
                return;
            }
        }

        if (Name is null)
        {
            writer.WriteByte(0x00); // ReservedField
        }
        else
        {
            writer.WriteBytes(AmlPath.EncodeNameSeg(Name));
        }

        PkgLength.WriteValue(writer, bits);
        bitPosition += bits;
    }
}
