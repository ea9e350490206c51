namespace Parkway.HostTests.BareMetal;

/// <summary>
/// A bare-metal guest that asks PSCI to start two CPUs and prints what it was told, one character
/// per answer on the PL011: first CPU_ON for MPIDR 2, then for MPIDR 1, each printed as
/// '3' + return code ('3' = SUCCESS, '0' = DENIED (-3), '/' = NOT_SUPPORTED (-1), '-' = INVALID
/// (-2), '\'' = ALREADY_ON (-4)); the started CPU prints 'S' and sets a flag; once the flag is set
/// CPU 0 prints a newline and powers the machine off (SYSTEM_OFF).
/// </summary>
public static class PsciProbeGuest
{
    private const uint UartBase = 0x0900_0000;
    private const uint CpuOn64 = 0xC400_0003;
    private const uint SystemOff = 0x8400_0008;

    /// <summary>The Image file bytes.</summary>
    public static byte[] Build(uint firstTargetMpidr, uint secondTargetMpidr)
    {
        var asm = new A64Assembler();
        asm.Movz(19, (ushort)(UartBase >> 16), 1);

        CpuOn(asm, firstTargetMpidr);
        asm.AddImmediate(4, 0, '3').Strb(4, 19);
        CpuOn(asm, secondTargetMpidr);
        asm.AddImmediate(4, 0, '3').Strb(4, 19);

        asm.Label("wait").Adr(5, "flag").Ldr(6, 5).Cbz(6, "wait");
        asm.Movz(4, '\n').Strb(4, 19);
        asm.Mov32(0, SystemOff).Hvc();
        asm.Label("hang").B("hang");

        // Secondary entry: x0 = context id = the flag's address.
        asm.Label("secondary").Movz(19, (ushort)(UartBase >> 16), 1).Movz(4, 'S').Strb(4, 19);
        asm.Movz(6, 1).Str(6, 0);
        asm.Label("hang2").B("hang2");

        if (asm.Offset % 8 != 0)
        {
            asm.B("hang2");
        }

        asm.Label("flag").Quad(0);
        return BareMetalImage.Wrap(asm.Assemble());
    }

    private static void CpuOn(A64Assembler asm, uint targetMpidr) =>
        asm.Mov32(0, CpuOn64).Mov32(1, targetMpidr).Adr(2, "secondary").Adr(3, "flag").Hvc();
}
