namespace Parkway.HostTests;

/// <summary>The result helpers, on made-up console text (no test host boots here).</summary>
public sealed class Arm64HostResultTests
{
    private static Arm64HostResult Result(string output) => new(0, output, "", TimeSpan.Zero);

    [Fact]
    public void Lines_drop_carriage_returns_and_blank_lines()
    {
        var result = Result("PARKWAY-GUEST ready\r\n\r\nsecond\n");

        Assert.Equal(["PARKWAY-GUEST ready", "second"], result.Lines);
    }

    [Fact]
    public void Lines_are_found_by_prefix_in_order()
    {
        var result = Result("PARKWAY-DMESG a\nother\nPARKWAY-DMESG b\nPARKWAY-DMESG-END\n");

        Assert.Equal(["PARKWAY-DMESG a", "PARKWAY-DMESG b"], result.LinesStartingWith("PARKWAY-DMESG "));
        Assert.Equal("PARKWAY-DMESG-END", result.FirstLineStartingWith("PARKWAY-DMESG-"));
        Assert.Null(result.FirstLineStartingWith("PARKWAY-ACPI"));
    }

    [Fact]
    public void ValueAfter_returns_the_rest_of_the_first_matching_line()
    {
        var result = Result("vcpus=1\nvcpus=8\n");

        Assert.Equal("1", result.ValueAfter("vcpus="));
        Assert.Null(result.ValueAfter("threads="));
    }

    [Theory]
    [InlineData(124, true)]
    [InlineData(0, false)]
    [InlineData(125, false)]
    public void TimedOut_follows_the_tool_s_exit_code(int exitCode, bool timedOut) =>
        Assert.Equal(timedOut, new Arm64HostResult(exitCode, "", "", TimeSpan.Zero).TimedOut);
}
