namespace Parkway.HostTests.BareMetal;

/// <summary>
/// A bare-metal guest that prints "NISV-START", loads a register pair (LDP) from the CPU hot-plug
/// register block, prints "NISV-SURVIVED" and powers off. A load pair's data abort carries no
/// instruction syndrome (ESR_EL2.ISV = 0), so KVM cannot emulate it as MMIO and hands it to the VMM
/// (or fails KVM_RUN): what the VMM then does decides whether a guest can take it down.
/// </summary>
public static class NoSyndromeAccessGuest
{
    private const uint UartBase = 0x0900_0000;
    private const uint CpuHotplugBase = 0x090C_0000;
    private const uint SystemOff = 0x8400_0008;

    /// <summary>The Image file bytes.</summary>
    public static byte[] Build()
    {
        var asm = new A64Assembler();
        asm.Movz(19, (ushort)(UartBase >> 16), 1);
        asm.Movz(20, (ushort)(CpuHotplugBase >> 16), 1);
        Print(asm, "NISV-START\n");
        asm.Ldp(4, 5, 20);
        Print(asm, "NISV-SURVIVED\n");
        asm.Mov32(0, SystemOff).Hvc();
        asm.Label("hang").B("hang");
        return BareMetalImage.Wrap(asm.Assemble());
    }

    private static void Print(A64Assembler asm, string text)
    {
        foreach (char c in text)
        {
            asm.Movz(4, c).Strb(4, 19);
        }
    }
}
