using System.Buffers.Binary;

namespace Parkway.Fdt.Tests;

public class FdtBuilderLayoutTests
{
    [Fact]
    public void Tiny_tree_matches_the_bytes_computed_by_hand()
    {
        byte[] actual = TinyTree.Build();

        Assert.Equal(Convert.ToHexString(TinyTree.ExpectedBytes), Convert.ToHexString(actual));
    }

    [Fact]
    public void Header_fields_describe_the_blocks_that_follow()
    {
        byte[] dtb = new FdtBuilder()
            .AddMemoryReservation(0x4000_0000, 0x1000)
            .AddMemoryReservation(0x8000_0000, 0x20_0000)
            .BeginNode("")
            .PropertyString("compatible", "linux,dummy-virt")
            .BeginNode("chosen").PropertyString("bootargs", "console=ttyAMA0").EndNode()
            .EndNode()
            .Build(bootCpuId: 0x101);

        uint Field(int index) => BinaryPrimitives.ReadUInt32BigEndian(dtb.AsSpan(index * 4));
        uint totalSize = Field(1), offStruct = Field(2), offStrings = Field(3), offRsvmap = Field(4);
        uint sizeStrings = Field(8), sizeStruct = Field(9);

        Assert.Equal(0xD00DFEEDu, Field(0));
        Assert.Equal((uint)dtb.Length, totalSize);
        Assert.Equal(17u, Field(5));
        Assert.Equal(16u, Field(6));
        Assert.Equal(0x101u, Field(7));
        Assert.Equal(40u, offRsvmap);
        Assert.Equal(0u, offRsvmap % 8);
        // Two entries and the zero terminator, then the structure block.
        Assert.Equal(offRsvmap + (3 * 16), offStruct);
        Assert.Equal(0u, offStruct % 4);
        Assert.Equal(0u, sizeStruct % 4);
        Assert.Equal(offStruct + sizeStruct, offStrings);
        Assert.Equal(offStrings + sizeStrings, totalSize);
        Assert.Equal("compatible\0bootargs\0"u8.ToArray(), dtb.AsSpan((int)offStrings, (int)sizeStrings).ToArray());
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32BigEndian(dtb.AsSpan((int)(offStrings - 4))));
    }

    [Fact]
    public void Memory_reservation_block_lists_entries_in_order_then_a_zero_entry()
    {
        byte[] dtb = new FdtBuilder()
            .AddMemoryReservation(0x1122_3344_5566_7788, 0x10)
            .AddMemoryReservation(0x1000, 0x2000)
            .BeginNode("").EndNode()
            .Build();

        byte[] expected = Hex.Parse("""
            1122334455667788 0000000000000010
            0000000000001000 0000000000002000
            0000000000000000 0000000000000000
            """);
        Assert.Equal(expected, dtb.AsSpan(40, 48).ToArray());
    }

    [Fact]
    public void Strings_block_stores_each_property_name_once()
    {
        var builder = new FdtBuilder().BeginNode("").PropertyCells("#address-cells", 2);
        builder.BeginNode("cpus");
        for (int cpu = 0; cpu < 8; cpu++)
        {
            builder.BeginNode($"cpu@{cpu:x}").PropertyString("device_type", "cpu").PropertyU32("reg", (uint)cpu).EndNode();
        }

        byte[] dtb = builder.EndNode().EndNode().Build();
        uint offStrings = BinaryPrimitives.ReadUInt32BigEndian(dtb.AsSpan(12));
        uint sizeStrings = BinaryPrimitives.ReadUInt32BigEndian(dtb.AsSpan(32));

        Assert.Equal("#address-cells\0device_type\0reg\0"u8.ToArray(), dtb.AsSpan((int)offStrings, (int)sizeStrings).ToArray());
    }

    [Theory]
    [InlineData("x", 1)]
    [InlineData("xy", 2)]
    [InlineData("xyz", 3)]
    [InlineData("wxyz", 4)]
    [InlineData("vwxyz", 5)]
    public void Node_names_and_values_are_padded_to_four_bytes(string text, int length)
    {
        byte[] dtb = new FdtBuilder().BeginNode("").BeginNode(text).Property("p", "ABCDE"u8[..length]).EndNode().EndNode().Build();
        uint offStruct = BinaryPrimitives.ReadUInt32BigEndian(dtb.AsSpan(8));
        uint sizeStruct = BinaryPrimitives.ReadUInt32BigEndian(dtb.AsSpan(36));

        int namePadded = ((length + 1 + 3) / 4) * 4;
        int valuePadded = ((length + 3) / 4) * 4;
        // root BEGIN(8) + child BEGIN(4 + name) + PROP(12 + value) + 2 END_NODE + END
        Assert.Equal((uint)(8 + 4 + namePadded + 12 + valuePadded + 12), sizeStruct);
        ReadOnlySpan<byte> structure = dtb.AsSpan((int)offStruct, (int)sizeStruct);
        ReadOnlySpan<byte> childName = structure.Slice(12, namePadded);
        Assert.Equal(System.Text.Encoding.ASCII.GetBytes(text), childName[..length].ToArray());
        Assert.All(childName[length..].ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Typed_properties_are_big_endian()
    {
        FdtNode root = FdtReader.Parse(new FdtBuilder()
            .BeginNode("")
            .PropertyU32("u32", 0x0102_0304)
            .PropertyU64("u64", 0x0102_0304_0506_0708)
            .PropertyCells("cells", 0xA, 0xB0C)
            .PropertyStrings("list", "ab", "", "c")
            .EndNode()
            .Build());

        Assert.Equal(new byte[] { 1, 2, 3, 4 }, root.Properties["u32"]);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, root.Properties["u64"]);
        Assert.Equal(new byte[] { 0, 0, 0, 0xA, 0, 0, 0xB, 0xC }, root.Properties["cells"]);
        Assert.Equal("ab\0\0c\0"u8.ToArray(), root.Properties["list"]);
    }

    [Fact]
    public void Phandles_are_allocated_from_one_upwards()
    {
        var builder = new FdtBuilder();

        Assert.Equal([1u, 2u, 3u], [builder.AllocatePhandle(), builder.AllocatePhandle(), builder.AllocatePhandle()]);
    }

    [Fact]
    public void Build_can_be_called_twice_with_the_same_result()
    {
        FdtBuilder builder = new FdtBuilder().BeginNode("").PropertyU32("x", 1).EndNode();

        Assert.Equal(builder.Build(), builder.Build());
    }
}
