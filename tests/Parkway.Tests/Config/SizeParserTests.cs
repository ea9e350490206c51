using Parkway.Machine.Config;

namespace Parkway.Tests.Config;

public sealed class SizeParserTests
{
    [Theory]
    [InlineData("4096", 4096UL)]
    [InlineData("4096B", 4096UL)]
    [InlineData("64K", 64UL << 10)]
    [InlineData("64kb", 64UL << 10)]
    [InlineData("64KiB", 64UL << 10)]
    [InlineData("512M", 512UL << 20)]
    [InlineData("512m", 512UL << 20)]
    [InlineData("1536MiB", 1536UL << 20)]
    [InlineData("2G", 2UL << 30)]
    [InlineData("2GB", 2UL << 30)]
    [InlineData("1T", 1UL << 40)]
    [InlineData(" 512M ", 512UL << 20)]
    [InlineData("16777215T", 16777215UL << 40)]
    public void Sizes_with_binary_suffixes_are_parsed_to_bytes(string text, ulong expected)
    {
        Assert.Equal(expected, SizeParser.Parse(text, "--memory"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("M")]
    [InlineData("lots")]
    [InlineData("-1G")]
    [InlineData("1.5G")]
    [InlineData("512 M")]
    [InlineData("2P")]
    [InlineData("0x1000")]
    [InlineData("99999999999999999999")]
    public void Unparsable_sizes_name_the_option_and_the_text(string text)
    {
        var error = Assert.Throws<ConfigurationException>(() => SizeParser.Parse(text, "--memory"));

        Assert.Equal($"--memory: cannot parse size '{text}' (use e.g. 512M or 2G)", error.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0M")]
    [InlineData("16777216T")]
    [InlineData("17179869184G")]
    public void Zero_and_sizes_that_overflow_64_bits_are_out_of_range(string text)
    {
        var error = Assert.Throws<ConfigurationException>(() => SizeParser.Parse(text, "--memory"));

        Assert.Equal($"--memory: size '{text}' is out of range", error.Message);
    }

    [Theory]
    [InlineData(512UL << 20, "512 MiB")]
    [InlineData(2UL << 30, "2 GiB")]
    [InlineData((3UL << 30) + (512UL << 20), "3584 MiB")]
    [InlineData((1UL << 20) + (1UL << 19), "1.5 MiB")]
    [InlineData(2048UL, "2 KiB")]
    [InlineData(100UL, "100 B")]
    public void Format_prints_sizes_for_messages(ulong bytes, string expected)
    {
        Assert.Equal(expected, SizeParser.Format(bytes));
    }
}
