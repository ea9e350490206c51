namespace Parkway.Fdt.Tests;

/// <summary>
/// The smallest interesting tree, and its DTB computed by hand from the Devicetree Specification
/// (v0.4 chapter 5), so the writer is checked against the spec and not against itself.
/// <code>
/// /memreserve/ 0x1000 0x2000;
/// / { a = &lt;0x12345678&gt;; b { a; s = "hi"; }; };   // boot_cpuid_phys = 3
/// </code>
/// </summary>
internal static class TinyTree
{
    public static byte[] Build() =>
        new FdtBuilder()
            .AddMemoryReservation(0x1000, 0x2000)
            .BeginNode("")
            .PropertyU32("a", 0x12345678)
            .BeginNode("b")
            .PropertyEmpty("a")
            .PropertyString("s", "hi")
            .EndNode()
            .EndNode()
            .Build(bootCpuId: 3);

    public static readonly byte[] ExpectedBytes = Hex.Parse("""
        d00dfeed  // magic
        00000094  // totalsize 148 = 40 header + 32 rsvmap + 72 struct + 4 strings
        00000048  // off_dt_struct 72
        00000090  // off_dt_strings 144
        00000028  // off_mem_rsvmap 40
        00000011  // version 17
        00000010  // last_comp_version 16
        00000003  // boot_cpuid_phys
        00000004  // size_dt_strings: "a\0s\0"
        00000048  // size_dt_struct 72
        0000000000001000 0000000000002000  // reservation
        0000000000000000 0000000000000000  // terminator
        00000001 00000000                  // BEGIN_NODE "" (NUL, padded to 4)
        00000003 00000004 00000000 12345678 // PROP len 4, nameoff 0 ("a")
        00000001 62000000                  // BEGIN_NODE "b"
        00000003 00000000 00000000         // PROP len 0, nameoff 0 ("a" reused)
        00000003 00000003 00000002 68690000 // PROP len 3, nameoff 2 ("s"), "hi\0" + 1 pad byte
        00000002                           // END_NODE b
        00000002                           // END_NODE /
        00000009                           // END
        61007300                           // strings: "a\0s\0"
        """);

    /// <summary>Offsets into <see cref="ExpectedBytes"/>, for the malformed-input fixtures.</summary>
    public const int TotalSizeField = 4;
    public const int StructOffsetField = 8;
    public const int StringsOffsetField = 12;
    public const int RsvmapOffsetField = 16;
    public const int VersionField = 20;
    public const int LastCompVersionField = 24;
    public const int StringsSizeField = 32;
    public const int StructSizeField = 36;
    public const int StructBlock = 72;
    public const int FirstPropertyToken = StructBlock + 8;
    public const int FirstPropertyNameOffset = FirstPropertyToken + 8;
    public const int ChildBeginToken = StructBlock + 24;
    public const int ChildName = ChildBeginToken + 4;
    public const int EndToken = StructBlock + 68;
    public const int StringsBlock = 144;
}
