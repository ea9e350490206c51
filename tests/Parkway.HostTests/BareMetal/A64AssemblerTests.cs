using System.Diagnostics;

namespace Parkway.HostTests.BareMetal;

/// <summary>The hand encoder agrees with binutils' aarch64 disassembler (no test host needed).</summary>
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
            .Label("data")
            .Quad(0)
            .Assemble();
        string[] expected =
        [
            "mov\tx19, #0x9000000",
            "mov\tx0, #0x3",
            "movk\tx0, #0xc400, lsl #16",
            "add\tx4, x0, #0x33",
            "adr\tx2, 0x6c",
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
        ];

        string path = Path.Combine(Directory.CreateTempSubdirectory("parkway-a64-").FullName, "code.bin");
        File.WriteAllBytes(path, code);
        var start = new ProcessStartInfo("aarch64-linux-gnu-objdump") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["-D", "-b", "binary", "-m", "aarch64", path])
        {
            start.ArgumentList.Add(argument);
        }

        using Process objdump = Process.Start(start) ?? throw new InvalidOperationException("aarch64-linux-gnu-objdump is missing (install binutils-aarch64-linux-gnu)");
        string listing = objdump.StandardOutput.ReadToEnd();
        objdump.WaitForExit();
        Assert.Equal(0, objdump.ExitCode);
        string[] disassembled = [.. listing.Split('\n')
            .Select(static l => l.Split('\t'))
            .Where(static cells => cells.Length >= 3 && cells[0].TrimEnd().EndsWith(':'))
            .Select(static cells => string.Join('\t', cells.Skip(2)).Split("//")[0].Trim())
            .Take(expected.Length)];
        Assert.Equal(expected, disassembled);
    }
}
