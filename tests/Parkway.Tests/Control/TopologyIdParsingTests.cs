using Parkway.Control;

namespace Parkway.Tests.Control;

/// <summary>Topology ids given as JSON strings (QEMU 7.2 accepts "core-id": "1").</summary>
public sealed class TopologyIdParsingTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("007", 7)]
    [InlineData("-1", -1)]
    [InlineData("2147483647", int.MaxValue)]
    public void Plain_decimal_strings_are_integers(string text, int expected) =>
        Assert.Equal(expected, QmpMachine.ParseDecimal(text));

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("two")]
    [InlineData("0x1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("+1")]
    [InlineData("1.0")]
    [InlineData("١")] // an Arabic-Indic digit: not ASCII
    [InlineData("2147483648")]
    public void Anything_else_is_refused(string text) =>
        Assert.Null(QmpMachine.ParseDecimal(text));
}
