namespace Parkway.Efi;

/// <summary>
/// CRC-32 as used by UEFI table headers (IEEE 802.3: reflected polynomial 0xEDB88320, initial value
/// and final XOR 0xFFFFFFFF). Written here because System.IO.Hashing is not part of the shared framework.
/// </summary>
public static class Crc32
{
    private const uint ReflectedPolynomial = 0xEDB8_8320;

    private static readonly uint[] Table = CreateTable();

    /// <summary>Computes the CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFF_FFFF;
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] CreateTable()
    {
        uint[] table = new uint[256];
        for (uint n = 0; n < table.Length; n++)
        {
            uint c = n;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? ReflectedPolynomial ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
