using Parkway.Machine.Config;

namespace Parkway.Tests.Config;

public sealed class SerialConfigTests
{
    [Fact]
    public void Stdio_off_and_file_are_recognised()
    {
        Assert.Equal(new SerialConfig(SerialMode.Stdio), SerialConfig.Parse("stdio"));
        Assert.Equal(new SerialConfig(SerialMode.Off), SerialConfig.Parse("off"));
        Assert.Equal(new SerialConfig(SerialMode.File, "/tmp/console.log"), SerialConfig.Parse("file=/tmp/console.log"));
    }

    [Fact]
    public void A_file_path_keeps_everything_after_the_first_equals_sign()
    {
        Assert.Equal("a=b", SerialConfig.Parse("file=a=b").Path);
    }

    [Theory]
    [InlineData("file=")]
    [InlineData("file")]
    [InlineData("pty")]
    [InlineData("STDIO")]
    [InlineData("")]
    public void Anything_else_is_one_line_naming_the_option(string text)
    {
        var error = Assert.Throws<ConfigurationException>(() => SerialConfig.Parse(text));

        Assert.Equal($"--serial: expected stdio, off or file=PATH, got '{text}'", error.Message);
    }
}
