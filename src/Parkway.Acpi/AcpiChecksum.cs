namespace Parkway.Acpi;

/// <summary>The ACPI 8-bit checksum: all bytes of a structure must sum to zero modulo 256.</summary>
public static class AcpiChecksum
{
    /// <summary>Sum of <paramref name="bytes"/> modulo 256.</summary>
    public static byte Sum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (var b in bytes)
        {
            sum += b;
        }

        return sum;
    }

    /// <summary>
    /// The value that, added to <paramref name="bytes"/> (whose checksum slot must currently be
    /// zero or absent), makes the total sum zero.
    /// </summary>
    public static byte Compute(ReadOnlySpan<byte> bytes) => (byte)(0x100 - Sum(bytes));
}
