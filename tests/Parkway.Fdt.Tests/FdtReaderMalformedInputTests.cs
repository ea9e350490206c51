namespace Parkway.Fdt.Tests;

public class FdtReaderMalformedInputTests
{
    public static TheoryData<string, byte[], string> Fixtures => MalformedDtbFixtures.All();

    [Fact]
    public void The_unmodified_base_fixture_is_valid()
    {
        // Guards the fixtures: each must fail because of its one change, not because the base is broken.
        Assert.Equal(0x12345678u, FdtReader.Parse(TinyTree.ExpectedBytes).GetU32("a"));
        Assert.Equal("", FdtReader.Parse(RawDtb.Assemble(RawDtb.Words(1, 0, 2, 9), [])).Name);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Malformed_blob_is_rejected_with_a_precise_message(string description, byte[] blob, string expectedFragment)
    {
        var error = Assert.Throws<FdtFormatException>(() => FdtReader.Parse(blob));

        Assert.True(
            error.Message.Contains(expectedFragment, StringComparison.Ordinal),
            $"{description}: expected \"{expectedFragment}\" in \"{error.Message}\"");
    }

    [Fact]
    public void Every_truncation_of_a_valid_blob_is_rejected()
    {
        byte[] good = SampleArm64Tree.Build();
        for (int length = 0; length < good.Length; length++)
        {
            Assert.Throws<FdtFormatException>(() => FdtReader.Parse(good.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Trailing_bytes_after_totalsize_are_ignored()
    {
        byte[] padded = [.. TinyTree.ExpectedBytes, 0xFF, 0xFF, 0xFF, 0xFF];

        Assert.Equal(0x12345678u, FdtReader.Parse(padded).GetU32("a"));
    }

    [Fact]
    public void Nop_tokens_are_skipped()
    {
        byte[] blob = RawDtb.Assemble(RawDtb.Words(4, 1, 0, 4, 3, 0, 0, 4, 2, 4, 9), "p\0"u8.ToArray());

        Assert.True(FdtReader.Parse(blob).Has("p"));
    }

    [Fact]
    public void Corrupting_any_byte_yields_a_tree_or_an_FdtFormatException_never_another_exception()
    {
        byte[] good = TinyTree.ExpectedBytes;
        byte[] replacements = [0x00, 0x01, 0x02, 0x03, 0x04, 0x09, 0x7F, 0x80, 0xFF];
        for (int offset = 0; offset < good.Length; offset++)
        {
            foreach (byte replacement in replacements)
            {
                byte[] corrupt = (byte[])good.Clone();
                corrupt[offset] = replacement;
                try
                {
                    FdtReader.ParseDocument(corrupt);
                }
                catch (FdtFormatException)
                {
                    // Expected for most corruptions; anything else fails the test.
                }
            }
        }
    }
}
