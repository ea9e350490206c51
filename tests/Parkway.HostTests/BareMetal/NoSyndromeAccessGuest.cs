namespace Parkway.HostTests.BareMetal;

/// <summary>
/// A bare-metal guest that installs exception vectors, prints "NISV-START" and loads a register
/// pair (LDP) from the CPU hot-plug register block. A load pair's data abort carries no instruction
/// syndrome (ESR_EL2.ISV = 0), so KVM cannot emulate it as MMIO: without help KVM_RUN fails, which
/// would end the VM. Parkway answers it with an external data abort, which the guest takes at its
/// vectors: every vector prints "NISV-ABORT" and powers off. "NISV-SURVIVED" would mean the load
/// completed as if nothing happened (it must not).
/// </summary>
public static class NoSyndromeAccessGuest
{
    private const uint UartBase = 0x0900_0000;
    private const uint CpuHotplugBase = 0x090C_0000;
    private const uint SystemOff = 0x8400_0008;
    private const int ImageHeader = 64;

    /// <summary>The Image file bytes.</summary>
    public static byte[] Build()
    {
        var asm = new A64Assembler();
        asm.Movz(19, (ushort)(UartBase >> 16), 1);
        asm.Movz(20, (ushort)(CpuHotplugBase >> 16), 1);
        asm.Adr(0, "vectors").MsrVbarEl1(0).Isb();
        Print(asm, "NISV-START\n");
        asm.Ldp(4, 5, 20);
        Print(asm, "NISV-SURVIVED\n");
        asm.Label("off").Mov32(0, SystemOff).Hvc();
        asm.Label("hang").B("hang");

        // The vector table is 2 KiB aligned; the Image is loaded 2 MiB aligned and the code starts
        // after its 64-byte header.
        while ((asm.Offset + ImageHeader) % 0x800 != 0)
        {
            asm.B("hang");
        }

        asm.Label("vectors");
        for (int entry = 0; entry < 16; entry++)
        {
            asm.B("abort");
            while ((asm.Offset + ImageHeader) % 0x80 != 0)
            {
                asm.B("hang");
            }
        }

        asm.Label("abort");
        Print(asm, "NISV-ABORT\n");
        asm.B("off");
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
