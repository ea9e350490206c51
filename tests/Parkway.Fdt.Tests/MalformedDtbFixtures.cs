using static Parkway.Fdt.Tests.RawDtb;

namespace Parkway.Fdt.Tests;

/// <summary>
/// Malformed DTB blobs, each breaking one rule, with a fragment of the error message expected for it.
/// Most are the hand-computed <see cref="TinyTree"/> bytes with one field changed.
/// </summary>
internal static class MalformedDtbFixtures
{
    private static readonly byte[] Good = TinyTree.ExpectedBytes;

    private static readonly byte[] RootOpen = Concat(Words(BeginNode), Words(0));

    public static TheoryData<string, byte[], string> All() => new()
    {
        { "empty input", [], "Truncated" },
        { "header cut short", Good[..39], "Truncated" },
        { "bad magic", WithU32(Good, 0, 0xD00DFEEE), "magic" },
        { "little-endian magic", WithU32(Good, 0, 0xEDFE0DD0), "magic" },
        { "blob shorter than totalsize", Good[..^1], "totalsize" },
        { "totalsize smaller than a header", WithU32(Good, TinyTree.TotalSizeField, 39), "totalsize" },
        { "version 16", WithU32(Good, TinyTree.VersionField, 16), "version" },
        { "incompatible future version", WithU32(Good, TinyTree.LastCompVersionField, 18), "version" },
        { "structure block past the end", WithU32(Good, TinyTree.StructSizeField, 77), "structure block" },
        { "structure size wraps 32 bits", WithU32(Good, TinyTree.StructSizeField, uint.MaxValue), "structure block" },
        { "structure offset inside the header", WithU32(Good, TinyTree.StructOffsetField, 8), "structure block" },
        { "structure offset misaligned", WithU32(Good, TinyTree.StructOffsetField, 74), "aligned" },
        { "strings block past the end", WithU32(Good, TinyTree.StringsOffsetField, 145), "strings block" },
        { "strings size too big", WithU32(Good, TinyTree.StringsSizeField, 5), "strings block" },
        { "reservation map past the end", WithU32(Good, TinyTree.RsvmapOffsetField, 144), "memory reservation block" },
        { "reservation map misaligned", WithU32(Good, TinyTree.RsvmapOffsetField, 44), "aligned" },
        { "reservation map without terminator", WithU32(Good, TinyTree.RsvmapOffsetField, 128), "terminating zero entry" },
        { "unterminated property name", WithU32(Good, TinyTree.StringsBlock, 0x61007378), "Unterminated property name" },
        { "property name offset outside strings", WithU32(Good, TinyTree.FirstPropertyNameOffset, 4), "name offset" },
        { "unknown token", WithU32(Good, TinyTree.EndToken, 5), "Unknown structure token 0x00000005" },
        { "missing FDT_END", WithU32(Good, TinyTree.EndToken, Nop), "without an FDT_END" },
        { "property value past the block", WithU32(Good, TinyTree.FirstPropertyToken + 4, 1000), "runs past the end" },
        { "unterminated node name", Assemble(Concat(Words(BeginNode), "abcd"u8.ToArray()), []), "Unterminated node name" },
        { "END_NODE without BEGIN_NODE", Assemble(Words(EndNode, End), []), "without a matching" },
        { "property outside any node", Assemble(Words(Prop, 0, 0, End), "a\0"u8.ToArray()), "outside any node" },
        { "FDT_END with a node open", Assemble(Concat(RootOpen, Words(End)), []), "still open" },
        { "FDT_END before any node", Assemble(Words(End), []), "no root" },
        { "two root nodes", Assemble(Concat(RootOpen, Words(EndNode), RootOpen, Words(EndNode, End)), []), "Second root" },
        { "truncated property header", Assemble(Concat(RootOpen, Words(Prop, 0)), "a\0"u8.ToArray()), "truncated" },
        {
            "duplicate property",
            Assemble(Concat(RootOpen, Words(Prop, 0, 0, Prop, 0, 0, EndNode, End)), "a\0"u8.ToArray()),
            "Duplicate property \"a\""
        },
    };
}
