namespace Parkway.Efi.Tests;

/// <summary>The hand encoder agrees with binutils' aarch64 disassembler.</summary>
public sealed class A64AssemblerTests
{
    [Fact]
    public void EveryInstructionDisassemblesToWhatWasMeant()
    {
        byte[] code = new A64Assembler()
            .Label("top")
            .Movz(19, 0x0900, 1)
            .Mov32(0, 0xC400_0003)
            .AddImmediate(4, 0, 0x33)
            .Adr(2, "data")
            .Strb(4, 19)
            .Str(6, 0)
            .Ldr(6, 5)
            .Cbz(6, "top")
            .Hvc()
            .B("top")
            .StrW(4, 20, 0x50)
            .LdrW(6, 20, 0x70)
            .Strh(4, 5, 2)
            .Ldrh(6, 5, 2)
            .SubImmediate(6, 6, 0x4f)
            .Cbnz(6, "top")
            .EorShiftLeft(22, 22, 22, 13)
            .EorShiftRight(22, 22, 22, 7)
            .Ubfx(1, 22, 8, 32)
            .LslImmediate(6, 6, 2)
            .AddRegister(5, 20, 3)
            .StrbAt(4, 20, 5)
            .Ldrb(4, 5, 1)
            .Ldp(4, 5, 20)
            .MsrVbarEl1(0)
            .Isb()
            .MovRegister(0, 9)
            .Mov64(0, 0x8000_0000_0000_0003)
            .SubRegister(16, 14, 16)
            .Udiv(12, 10, 11)
            .Madd(15, 13, 11, 15)
            .Msub(13, 12, 11, 10)
            .Mul(16, 15, 11)
            .LsrImmediate(17, 15, 2)
            .CmpImmediate(17, 10)
            .Csel(14, 14, 16, A64Condition.Lo)
            .Cinc(15, 15, A64Condition.Ls)
            .Ret()
            .StrW(31, 0, 8)
            .Mov64(9, 0x0901_0000)
            .Mov64(1, 0)
            .Label("data")
            .Quad(0)
            .Assemble();
        string[] expected =
        [
            "mov\tx19, #0x9000000",
            "mov\tx0, #0x3",
            "movk\tx0, #0xc400, lsl #16",
            "add\tx4, x0, #0x33",
            "adr\tx2, 0xac",
            "strb\tw4, [x19]",
            "str\tx6, [x0]",
            "ldr\tx6, [x5]",
            "cbz\tx6, 0x0",
            "hvc\t#0x0",
            "b\t0x0",
            "str\tw4, [x20, #80]",
            "ldr\tw6, [x20, #112]",
            "strh\tw4, [x5, #2]",
            "ldrh\tw6, [x5, #2]",
            "sub\tx6, x6, #0x4f",
            "cbnz\tx6, 0x0",
            "eor\tx22, x22, x22, lsl #13",
            "eor\tx22, x22, x22, lsr #7",
            "ubfx\tx1, x22, #8, #32",
            "lsl\tx6, x6, #2",
            "add\tx5, x20, x3",
            "strb\tw4, [x20, #5]",
            "ldrb\tw4, [x5, #1]",
            "ldp\tx4, x5, [x20]",
            "msr\tvbar_el1, x0",
            "isb",
            "mov\tx0, x9",
            "mov\tx0, #0x3",
            "movk\tx0, #0x8000, lsl #48",
            "sub\tx16, x14, x16",
            "udiv\tx12, x10, x11",
            "madd\tx15, x13, x11, x15",
            "msub\tx13, x12, x11, x10",
            "mul\tx16, x15, x11",
            "lsr\tx17, x15, #2",
            "cmp\tx17, #0xa",
            "csel\tx14, x14, x16, cc",
            "cinc\tx15, x15, ls",
            "ret",
            "str\twzr, [x0, #8]",
            "mov\tx9, #0x9010000",
            "mov\tx1, #0x0",
        ];

        string[] disassembled = [.. ToolRunner.Disassemble(code).Take(expected.Length)];
        Assert.Equal(expected, disassembled);
    }
}
