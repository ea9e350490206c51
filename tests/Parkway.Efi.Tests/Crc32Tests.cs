using System.Text;

namespace Parkway.Efi.Tests;

public class Crc32Tests
{
    [Theory]
    [InlineData("123456789", 0xCBF43926u)] // the CRC-32/ISO-HDLC check value
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Matches_published_check_values(string text, uint expected)
    {
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void Detects_every_single_bit_flip_of_a_system_table_sized_buffer()
    {
        byte[] data = new byte[120];
        new Random(1234).NextBytes(data);
        uint original = Crc32.Compute(data);
        for (int bit = 0; bit < data.Length * 8; bit++)
        {
            data[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(original, Crc32.Compute(data));
            data[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }
}
