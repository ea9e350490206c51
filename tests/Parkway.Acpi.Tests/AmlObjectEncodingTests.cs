using Parkway.Acpi.Aml;
using Parkway.Acpi.Aml.Resources;

namespace Parkway.Acpi.Tests;

/// <summary>
/// Golden bytes for named objects, statements and resource templates. The bytes are iasl
/// 20200925's output (<c>iasl -on</c>) for the ASL in the comment, except where noted.
/// </summary>
public class AmlObjectEncodingTests
{
    private static byte[] Encode(params IAmlWritable[] items)
    {
        var writer = new AmlWriter();
        writer.WriteAll(items);
        return writer.ToArray();
    }

    [Fact]
    public void Names_with_every_kind_of_constant()
    {
        // Name (_HID, "ACPI0013")
        // Name (_CID, EisaId ("PNP0A05"))
        // Name (INT0, Zero)  Name (INT1, One)  Name (INTF, Ones)  Name (INTB, 0x7F)
        // Name (INTW, 0x1234)  Name (INTD, 0x12345678)  Name (INTQ, 0x123456789A)
        const string golden =
            "08 5F 48 49 44 0D 41 43 50 49 30 30 31 33 00 08 5F 43 49 44 0C 41 D0 0A 05 08 49 4E 54 30 00 " +
            "08 49 4E 54 31 01 08 49 4E 54 46 FF 08 49 4E 54 42 0A 7F 08 49 4E 54 57 0B 34 12 08 49 4E 54 44 " +
            "0C 78 56 34 12 08 49 4E 54 51 0E 9A 78 56 34 12 00 00 00";
        Hex.AssertEqual(golden, Encode(
            new AmlName("_HID", new AmlString("ACPI0013")),
            new AmlName("_CID", new AmlEisaId("PNP0A05")),
            new AmlName("INT0", AmlInteger.Zero),
            new AmlName("INT1", AmlInteger.One),
            new AmlName("INTF", AmlInteger.Ones),
            new AmlName("INTB", new AmlInteger(0x7F)),
            new AmlName("INTW", new AmlInteger(0x1234)),
            new AmlName("INTD", new AmlInteger(0x12345678)),
            new AmlName("INTQ", new AmlInteger(0x123456789A))));
    }

    [Fact]
    public void Scope_and_device()
    {
        // Scope (\_SB) { Device (AB) { Name (_UID, One) } }
        Hex.AssertEqual("10 13 5C 5F 53 42 5F 5B 82 0B 41 42 5F 5F 08 5F 55 49 44 01",
            Encode(new AmlScope("\\_SB", [new AmlDevice("AB", [new AmlName("_UID", AmlInteger.One)])])));
    }

    [Fact]
    public void Operation_region_and_fields_with_offset_and_reserved_bits()
    {
        // OperationRegion (PRST, SystemMemory, 0x090C0000, 0x0C)
        // Field (PRST, ByteAcc, NoLock, WriteAsZeros)
        //     { Offset (0x04), CPEN, 1, CINS, 1, CRMV, 1, CEJT, 1, CEJF, 1, , 3, CCMD, 8 }
        // Field (PRST, DWordAcc, NoLock, Preserve) { CSEL, 32, , 32, CDAT, 32 }
        const string golden =
            "5B 80 50 52 53 54 00 0C 00 00 0C 09 0A 0C " +
            "5B 81 28 50 52 53 54 41 00 20 43 50 45 4E 01 43 49 4E 53 01 43 52 4D 56 01 43 45 4A 54 01 43 45 4A 46 01 00 03 43 43 4D 44 08 " +
            "5B 81 12 50 52 53 54 03 43 53 45 4C 20 00 20 43 44 41 54 20";
        Hex.AssertEqual(golden, Encode(
            new AmlOperationRegion("PRST", AmlRegionSpace.SystemMemory, 0x090C0000, 12),
            new AmlField("PRST", AmlFieldAccessType.Byte, AmlFieldLockRule.NoLock, AmlFieldUpdateRule.WriteAsZeros,
            [
                AmlFieldElement.Offset(4), AmlFieldElement.Named("CPEN", 1), AmlFieldElement.Named("CINS", 1),
                AmlFieldElement.Named("CRMV", 1), AmlFieldElement.Named("CEJT", 1), AmlFieldElement.Named("CEJF", 1),
                AmlFieldElement.Reserved(3), AmlFieldElement.Named("CCMD", 8),
            ]),
            new AmlField("PRST", AmlFieldAccessType.DWord, AmlFieldLockRule.NoLock, AmlFieldUpdateRule.Preserve,
                [AmlFieldElement.Named("CSEL", 32), AmlFieldElement.Reserved(32), AmlFieldElement.Named("CDAT", 32)])));
    }

    [Fact]
    public void Field_offset_behind_the_current_position_is_an_error()
    {
        var field = new AmlField("PRST", AmlFieldAccessType.Byte, AmlFieldLockRule.NoLock, AmlFieldUpdateRule.Preserve,
            [AmlFieldElement.Named("AAAA", 16), AmlFieldElement.Offset(1)]);
        Assert.Throws<InvalidOperationException>(() => field.ToAml());
    }

    [Fact]
    public void Serialized_method_with_mutex_store_if_and_return()
    {
        // Mutex (CPLK, 0)
        // OperationRegion (PRST, SystemMemory, 0x090C0000, 0x0C)
        // Field (PRST, ByteAcc, NoLock, WriteAsZeros) { Offset (0x04), CPEN, 1 }
        // Field (PRST, DWordAcc, NoLock, Preserve) { CSEL, 32 }
        // Method (CSTA, 1, Serialized)
        // {
        //     Acquire (CPLK, 0xFFFF)
        //     CSEL = Arg0
        //     Local0 = 0x0D
        //     If ((CPEN == One)) { Local0 = 0x0F }
        //     Release (CPLK)
        //     Return (Local0)
        // }
        const string golden =
            "5B 01 43 50 4C 4B 00 5B 80 50 52 53 54 00 0C 00 00 0C 09 0A 0C 5B 81 0D 50 52 53 54 41 00 20 43 50 45 4E 01 " +
            "5B 81 0B 50 52 53 54 03 43 53 45 4C 20 14 2C 43 53 54 41 09 5B 23 43 50 4C 4B FF FF 70 68 43 53 45 4C " +
            "70 0A 0D 60 A0 0B 93 43 50 45 4E 01 70 0A 0F 60 5B 27 43 50 4C 4B A4 60";
        Hex.AssertEqual(golden, Encode(
            new AmlMutex("CPLK"),
            new AmlOperationRegion("PRST", AmlRegionSpace.SystemMemory, 0x090C0000, 12),
            new AmlField("PRST", AmlFieldAccessType.Byte, AmlFieldLockRule.NoLock, AmlFieldUpdateRule.WriteAsZeros,
                [AmlFieldElement.Offset(4), AmlFieldElement.Named("CPEN", 1)]),
            new AmlField("PRST", AmlFieldAccessType.DWord, AmlFieldLockRule.NoLock, AmlFieldUpdateRule.Preserve,
                [AmlFieldElement.Named("CSEL", 32)]),
            new AmlMethod("CSTA", 1, serialized: true,
            [
                new AmlAcquire("CPLK"),
                new AmlStore(new AmlArg(0), new AmlPath("CSEL")),
                new AmlStore(new AmlInteger(0x0D), new AmlLocal(0)),
                new AmlIf(AmlLogicalOperation.Equal(new AmlPath("CPEN"), AmlInteger.One),
                    [new AmlStore(new AmlInteger(0x0F), new AmlLocal(0))]),
                new AmlRelease("CPLK"),
                new AmlReturn(new AmlLocal(0)),
            ])));
    }

    [Fact]
    public void Arithmetic_logic_and_control_flow()
    {
        // Method (OPS, 2, NotSerialized)
        // {
        //     If ((Arg0 > Arg1)) { Local1 = (Arg0 - Arg1) } Else { Local1 = (Arg0 | Arg1) }
        //     Local2 = (Arg0 << 0x04)
        //     Local3 = (Local2 + One)
        //     While ((Local3 < 0x10)) { If (!(Local3 && Arg1)) { Break } Local3++ }
        //     If ((Local1 || Local2)) { Return (Arg0) }
        //     Return (Local1)
        // }
        // iasl turns "Local1 = (Arg0 - Arg1)" into Subtract (Arg0, Arg1, Local1): the target form.
        const string golden =
            "14 36 4F 50 53 5F 02 A0 08 94 68 69 74 68 69 61 A1 05 7D 68 69 61 79 68 0A 04 62 72 62 01 63 " +
            "A2 0E 95 63 0A 10 A0 06 92 90 63 69 A5 75 63 A0 06 91 61 62 A4 68 A4 61";
        AmlArg arg0 = new(0), arg1 = new(1);
        AmlLocal local1 = new(1), local2 = new(2), local3 = new(3);
        Hex.AssertEqual(golden, Encode(new AmlMethod("OPS", 2, serialized: false,
        [
            new AmlIf(AmlLogicalOperation.Greater(arg0, arg1),
                [AmlBinaryOperation.Subtract(arg0, arg1, local1)],
                [AmlBinaryOperation.Or(arg0, arg1, local1)]),
            AmlBinaryOperation.ShiftLeft(arg0, new AmlInteger(4), local2),
            AmlBinaryOperation.Add(local2, AmlInteger.One, local3),
            new AmlWhile(AmlLogicalOperation.Less(local3, new AmlInteger(0x10)),
            [
                new AmlIf(AmlLogicalOperation.Not(AmlLogicalOperation.And(local3, arg1)), [AmlBreak.Instance]),
                AmlIncrement.Increment(local3),
            ]),
            new AmlIf(AmlLogicalOperation.Or(local1, local2), [new AmlReturn(arg0)]),
            new AmlReturn(local1),
        ])));
    }

    [Fact]
    public void Binary_operation_without_target_ends_in_null_name() =>
        // (Local0 & 0x08) as an operand: And (Local0, 0x08, Zero-target)
        Hex.AssertEqual("7B 60 0A 08 00", AmlBinaryOperation.And(new AmlLocal(0), new AmlInteger(8)).ToAml());

    [Fact]
    public void Notify_and_method_calls()
    {
        // Device (C000) { Name (_HID, "ACPI0007") }
        // Method (CTFY, 2, NotSerialized) { If ((Arg0 == Zero)) { Notify (C000, Arg1) } }
        // Method (TST, 0, NotSerialized) { CTFY (One, 0x03) }
        const string golden =
            "5B 82 14 43 30 30 30 08 5F 48 49 44 0D 41 43 50 49 30 30 30 37 00 " +
            "14 11 43 54 46 59 02 A0 0A 93 68 00 86 43 30 30 30 69 " +
            "14 0D 54 53 54 5F 00 43 54 46 59 01 0A 03";
        Hex.AssertEqual(golden, Encode(
            new AmlDevice("C000", [new AmlName("_HID", new AmlString("ACPI0007"))]),
            new AmlMethod("CTFY", 2, serialized: false,
                [new AmlIf(AmlLogicalOperation.Equal(new AmlArg(0), AmlInteger.Zero), [new AmlNotify(new AmlPath("C000"), new AmlArg(1))])]),
            new AmlMethod("TST", 0, serialized: false, [new AmlMethodCall("CTFY", AmlInteger.One, new AmlInteger(3))])));
    }

    [Fact]
    public void Buffer_and_package()
    {
        // Name (BUF0, Buffer (0x03) { 0x01, 0x02, 0x03 })
        // Name (PKG0, Package (0x02) { One, "AB" })
        Hex.AssertEqual("08 42 55 46 30 11 06 0A 03 01 02 03 08 50 4B 47 30 12 07 02 01 0D 41 42 00", Encode(
            new AmlName("BUF0", new AmlBuffer([1, 2, 3])),
            new AmlName("PKG0", new AmlPackage([AmlInteger.One, new AmlString("AB")]))));
    }

    [Fact]
    public void Large_package_uses_var_package()
    {
        var bytes = new AmlPackage(Enumerable.Repeat<IAmlWritable>(AmlInteger.Zero, 300)).ToAml();
        // VarPackageOp, PkgLength (2 bytes: 300 zeros + count 0x012C as WordConst + 2 = 305 = 0x131), count.
        Hex.AssertEqual("13 41 13 0B 2C 01", bytes.AsSpan(0, 6));
        Assert.Equal(6 + 300, bytes.Length);
    }

    [Fact]
    public void Resource_template_matches_iasl_except_for_the_end_tag_checksum()
    {
        // Name (_CRS, ResourceTemplate ()
        // {
        //     Memory32Fixed (ReadWrite, 0x09000000, 0x00001000, )
        //     Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive, ,, ) { 0x21 }
        //     QWordMemory (ResourceConsumer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite,
        //         0x0, 0x4010000000, 0x401FFFFFFF, 0x0, 0x10000000, ,, , AddressRangeMemory, TypeStatic)
        // })
        // iasl leaves the End Tag checksum 0 ("treated as correct"); we compute it (0xAD here).
        const string golden =
            "08 5F 43 52 53 11 49 04 0A 45 86 09 00 01 00 00 00 09 00 10 00 00 89 06 00 01 01 21 00 00 00 " +
            "8A 2B 00 00 0D 01 00 00 00 00 00 00 00 00 00 00 00 10 40 00 00 00 FF FF FF 1F 40 00 00 00 " +
            "00 00 00 00 00 00 00 00 00 00 00 10 00 00 00 00 79 AD";
        var template = new AmlResourceTemplate(
        [
            new AmlMemory32Fixed(0x09000000, 0x1000),
            new AmlInterrupt(AmlInterruptTrigger.Level, AmlInterruptPolarity.ActiveHigh, [0x21]),
            new AmlQWordMemory(0x40_1000_0000, 0x1000_0000),
        ]);
        Hex.AssertEqual(golden, new AmlName("_CRS", template).ToAml());
        Assert.Equal(0, AcpiChecksum.Sum(template.ToBytes()));
    }

    [Fact]
    public void Interrupt_flags_encode_edge_low_shared_and_several_gsivs() =>
        // Interrupt (ResourceProducer, Edge, ActiveLow, Shared, ,, ) { 0x29, 0x2A } (hand-encoded:
        // flags = edge 0x02 | active-low 0x04 | shared 0x08 = 0x0E)
        Hex.AssertEqual("89 0A 00 0E 02 29 00 00 00 2A 00 00 00", Descriptor(new AmlInterrupt(
            AmlInterruptTrigger.Edge, AmlInterruptPolarity.ActiveLow, [0x29, 0x2A], consumer: false, shared: true)));

    [Fact]
    public void Interrupt_needs_at_least_one_gsiv() =>
        Assert.Throws<ArgumentException>(() => new AmlInterrupt(AmlInterruptTrigger.Edge, AmlInterruptPolarity.ActiveHigh, []));

    private static byte[] Descriptor(IAmlResourceDescriptor descriptor)
    {
        var writer = new AmlWriter();
        descriptor.WriteTo(writer);
        return writer.ToArray();
    }
}
