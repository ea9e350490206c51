using Parkway.Acpi.Aml;

namespace Parkway.Acpi.Tests;

/// <summary>
/// Golden bytes for names, integers, strings and PkgLength. Where an ASL line is given, the bytes
/// were produced by compiling that line with iasl 20200925 (<c>iasl -on</c>).
/// </summary>
public class AmlPrimitiveEncodingTests
{
    [Theory]
    [InlineData(0UL, "00")] // Zero
    [InlineData(1UL, "01")] // One
    [InlineData(0x7FUL, "0A 7F")] // 0x7F
    [InlineData(0xFFUL, "0A FF")]
    [InlineData(0x100UL, "0B 00 01")]
    [InlineData(0x1234UL, "0B 34 12")] // 0x1234
    [InlineData(0x12345678UL, "0C 78 56 34 12")] // 0x12345678
    [InlineData(0x123456789AUL, "0E 9A 78 56 34 12 00 00 00")] // 0x123456789A
    public void Integers_use_the_smallest_encoding(ulong value, string golden) =>
        Hex.AssertEqual(golden, new AmlInteger(value).ToAml());

    [Fact]
    public void Ones_is_the_ones_opcode() => Hex.AssertEqual("FF", AmlInteger.Ones.ToAml());

    [Fact]
    public void All_bits_set_as_a_plain_integer_is_a_qword() =>
        Hex.AssertEqual("0E FF FF FF FF FF FF FF FF", new AmlInteger(ulong.MaxValue).ToAml());

    [Theory]
    [InlineData("CSEL", "43 53 45 4C")]
    [InlineData("_SB", "5F 53 42 5F")] // padded with '_'
    [InlineData("AB", "41 42 5F 5F")]
    [InlineData("\\", "5C 00")] // root alone: RootChar NullName
    [InlineData("\\_SB", "5C 5F 53 42 5F")]
    [InlineData("\\_SB.PWRB", "5C 2E 5F 53 42 5F 50 57 52 42")] // DualNamePrefix
    [InlineData("\\_SB.CPUS.CSCN", "5C 2F 03 5F 53 42 5F 43 50 55 53 43 53 43 4E")] // MultiNamePrefix, 3 segs
    [InlineData("^C000", "5E 43 30 30 30")]
    [InlineData("^^A.B", "5E 5E 2E 41 5F 5F 5F 42 5F 5F 5F")]
    public void Paths_encode_prefixes_and_padded_segments(string path, string golden) =>
        Hex.AssertEqual(golden, new AmlPath(path).ToAml());

    [Theory]
    [InlineData("ABCDE")]
    [InlineData("1ABC")]
    [InlineData("ab")]
    [InlineData("A..B")]
    [InlineData("\\A-B")]
    public void Malformed_paths_are_rejected(string path) =>
        Assert.Throws<ArgumentException>(() => new AmlPath(path));

    [Fact]
    public void Strings_are_nul_terminated_with_a_prefix() =>
        // "ACPI0013"
        Hex.AssertEqual("0D 41 43 50 49 30 30 31 33 00", new AmlString("ACPI0013").ToAml());

    [Fact]
    public void Strings_with_nul_are_rejected() => Assert.Throws<ArgumentException>(() => new AmlString("A\0B"));

    [Theory]
    [InlineData("PNP0A05", "0C 41 D0 0A 05")] // EisaId ("PNP0A05")
    [InlineData("PNP0C0C", "0C 41 D0 0C 0C")]
    public void EisaIds_are_compressed_dwords(string id, string golden) =>
        Hex.AssertEqual(golden, new AmlEisaId(id).ToAml());

    [Theory]
    [InlineData("PNP0A5")]
    [InlineData("pnp0A05")]
    [InlineData("PNP0G05")]
    public void Malformed_eisa_ids_are_rejected(string id) => Assert.Throws<ArgumentException>(() => new AmlEisaId(id));

    [Fact]
    public void Locals_and_args_are_single_opcodes()
    {
        Hex.AssertEqual("60", new AmlLocal(0).ToAml());
        Hex.AssertEqual("67", new AmlLocal(7).ToAml());
        Hex.AssertEqual("68", new AmlArg(0).ToAml());
        Hex.AssertEqual("6E", new AmlArg(6).ToAml());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AmlLocal(8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AmlArg(7));
    }

    [Theory]
    [InlineData(0, "01")]
    [InlineData(62, "3F")] // largest one-byte form: 62 + 1 = 63
    [InlineData(63, "41 04")] // 63 + 2 = 65 = 0x41 -> lead 0x41 (1 more byte, nibble 1), then 0x04
    [InlineData(4093, "4F FF")] // 4093 + 2 = 0xFFF, largest two-byte form
    [InlineData(4094, "81 00 01")] // 4094 + 3 = 0x1001
    [InlineData(0xFFFFC, "8F FF FF")] // + 3 = 0xFFFFF, largest three-byte form
    [InlineData(0xFFFFD, "C1 00 00 01")] // + 4 = 0x100001
    public void PkgLength_counts_itself_and_grows_at_the_boundaries(int bodyLength, string golden)
    {
        var writer = new AmlWriter();
        PkgLength.WriteIncludingItself(writer, bodyLength);
        Hex.AssertEqual(golden, writer.WrittenSpan);
    }

    [Fact]
    public void Field_unit_lengths_do_not_count_themselves()
    {
        var writer = new AmlWriter();
        PkgLength.WriteValue(writer, 32);
        PkgLength.WriteValue(writer, 64);
        Hex.AssertEqual("20 40 04", writer.WrittenSpan);
    }
}
