namespace Parkway.Fdt.Tests;

public class FdtBuilderValidationTests
{
    private static FdtBuilder RootOpen() => new FdtBuilder().BeginNode("");

    [Theory]
    [InlineData("cpus")]
    [InlineData("cpu@0")]
    [InlineData("intc@8000000")]
    [InlineData("pl011@9000000,1")]
    [InlineData("a,b.c_d+e-f")]
    [InlineData("abcdefghijklmnopqrstuvwxyz01234")] // 31 characters
    [InlineData("abcdefghijklmnopqrstuvwxyz01234@ffffffffffffffffffffffff")] // the limit is on the part before '@'
    public void Valid_node_names_are_accepted(string name)
    {
        byte[] dtb = RootOpen().BeginNode(name).EndNode().EndNode().Build();

        Assert.Equal(name, Assert.Single(FdtReader.Parse(dtb).Children).Name);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", "1 to 31")] // 32 characters
    [InlineData("0cpu", "start with a letter")]
    [InlineData("cpu@", "empty unit address")]
    [InlineData("@0", "1 to 31")]
    [InlineData("cpu@0@1", "'@'")]
    [InlineData("cpus/cpu", "'/'")]
    [InlineData("cpu 0", "' '")]
    [InlineData("#cpus", "start with a letter")]
    [InlineData("cpu#0", "'#'")]
    [InlineData("cpü", "'ü'")]
    public void Invalid_node_names_are_rejected_with_a_clear_message(string name, string expectedFragment)
    {
        FdtBuilder builder = RootOpen();

        var error = Assert.Throws<ArgumentException>(() => builder.BeginNode(name));
        Assert.Contains(expectedFragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_root_must_be_named_empty()
    {
        var error = Assert.Throws<ArgumentException>(() => new FdtBuilder().BeginNode("root"));
        Assert.Contains("root node", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#address-cells")]
    [InlineData("linux,uefi-system-table")]
    [InlineData("interrupt-controller")]
    [InlineData("a?b_c.d+e")]
    [InlineData("abcdefghijklmnopqrstuvwxyz01234")] // 31 characters
    public void Valid_property_names_are_accepted(string name)
    {
        byte[] dtb = RootOpen().PropertyEmpty(name).EndNode().Build();

        Assert.True(FdtReader.Parse(dtb).Has(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")] // 32 characters
    [InlineData("reg@0")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("naïve")]
    public void Invalid_property_names_are_rejected(string name)
    {
        FdtBuilder builder = RootOpen();

        Assert.Throws<ArgumentException>(() => builder.PropertyU32(name, 1));
    }

    [Fact]
    public void A_duplicate_property_in_one_node_is_rejected_and_names_the_node()
    {
        FdtBuilder builder = RootOpen().BeginNode("cpus").PropertyU32("reg", 1);

        var error = Assert.Throws<ArgumentException>(() => builder.PropertyU32("reg", 2));
        Assert.Contains("/cpus", error.Message, StringComparison.Ordinal);
        Assert.Contains("reg", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_property_name_in_different_nodes_is_fine()
    {
        byte[] dtb = RootOpen().PropertyU32("reg", 1).BeginNode("a").PropertyU32("reg", 2).EndNode().EndNode().Build();

        FdtNode root = FdtReader.Parse(dtb);
        Assert.Equal(1u, root.GetU32("reg"));
        Assert.Equal(2u, root.Find("/a")!.GetU32("reg"));
    }

    [Fact]
    public void A_duplicate_sibling_node_name_is_rejected()
    {
        FdtBuilder builder = RootOpen().BeginNode("cpus").BeginNode("cpu@0").EndNode();

        var error = Assert.Throws<ArgumentException>(() => builder.BeginNode("cpu@0"));
        Assert.Contains("/cpus", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_property_after_a_child_node_is_rejected()
    {
        FdtBuilder builder = RootOpen().BeginNode("chosen").EndNode();

        var error = Assert.Throws<InvalidOperationException>(() => builder.PropertyU32("late", 1));
        Assert.Contains("after its child nodes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_property_outside_any_node_is_rejected()
    {
        Assert.Throws<InvalidOperationException>(() => new FdtBuilder().PropertyU32("x", 1));
        Assert.Throws<InvalidOperationException>(() => RootOpen().EndNode().PropertyU32("x", 1));
    }

    [Fact]
    public void Build_with_an_open_node_names_it()
    {
        FdtBuilder builder = RootOpen().BeginNode("cpus").BeginNode("cpu@0");

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Contains("/cpus/cpu@0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_without_a_root_is_rejected()
    {
        Assert.Throws<InvalidOperationException>(() => new FdtBuilder().Build());
    }

    [Fact]
    public void EndNode_without_an_open_node_is_rejected()
    {
        Assert.Throws<InvalidOperationException>(() => new FdtBuilder().EndNode());
        Assert.Throws<InvalidOperationException>(() => RootOpen().EndNode().EndNode());
    }

    [Fact]
    public void A_second_root_is_rejected()
    {
        FdtBuilder builder = RootOpen().EndNode();

        Assert.Throws<InvalidOperationException>(() => builder.BeginNode(""));
    }

    [Fact]
    public void String_values_must_not_contain_NUL()
    {
        Assert.Throws<ArgumentException>(() => RootOpen().PropertyString("bootargs", "a\0b"));
        Assert.Throws<ArgumentException>(() => RootOpen().PropertyStrings("compatible", "ok", "bad\0"));
    }

    [Fact]
    public void Memory_reservations_must_be_non_empty_and_not_wrap()
    {
        var builder = new FdtBuilder();

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddMemoryReservation(0x1000, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddMemoryReservation(ulong.MaxValue, 2));
        builder.AddMemoryReservation(ulong.MaxValue, 1); // the very last byte is a valid range
    }
}
