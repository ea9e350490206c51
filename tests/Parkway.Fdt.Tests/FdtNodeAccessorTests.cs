namespace Parkway.Fdt.Tests;

public class FdtNodeAccessorTests
{
    private static FdtNode Root(Action<FdtBuilder> addProperties)
    {
        var builder = new FdtBuilder().BeginNode("");
        addProperties(builder);
        return FdtReader.Parse(builder.EndNode().Build());
    }

    [Fact]
    public void Missing_properties_throw_KeyNotFound_naming_the_property()
    {
        FdtNode root = Root(_ => { });

        var error = Assert.Throws<KeyNotFoundException>(() => root.GetU32("reg"));
        Assert.Contains("reg", error.Message, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => root.GetString("compatible"));
    }

    [Fact]
    public void Typed_reads_check_the_value_length()
    {
        FdtNode root = Root(b => b.PropertyU64("wide", 1).PropertyU32("narrow", 1).Property("odd", [1, 2, 3]));

        Assert.Throws<FdtFormatException>(() => root.GetU32("wide"));
        Assert.Throws<FdtFormatException>(() => root.GetU64("narrow"));
        Assert.Throws<FdtFormatException>(() => root.GetCells("odd"));
        Assert.Equal([0u, 1u], root.GetCells("wide"));
    }

    [Fact]
    public void String_reads_require_NUL_termination_and_one_string()
    {
        FdtNode root = Root(b => b.Property("raw", "abc"u8).PropertyStrings("two", "a", "b").PropertyEmpty("flag"));

        Assert.Throws<FdtFormatException>(() => root.GetString("raw"));
        Assert.Throws<FdtFormatException>(() => root.GetStrings("raw"));
        Assert.Throws<FdtFormatException>(() => root.GetString("two"));
        Assert.Empty(root.GetStrings("flag"));
        Assert.Equal("", Root(b => b.PropertyString("e", "")).GetString("e"));
    }

    [Fact]
    public void Utf8_strings_round_trip()
    {
        Assert.Equal("grüße", Root(b => b.PropertyString("s", "grüße")).GetString("s"));
    }
}
