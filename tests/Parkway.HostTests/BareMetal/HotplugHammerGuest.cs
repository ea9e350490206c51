namespace Parkway.HostTests.BareMetal;

/// <summary>
/// A hostile bare-metal guest (issue 10, item 2) for an ACPI boot: it prints "HOSTILE-START", then
/// for <c>iterations</c> rounds draws a xorshift64 number (fixed seed, so every run makes the same
/// accesses) and does one of sixteen things to the CPU hot-plug register block or the GED:
/// <list type="bullet">
/// <item>selector writes: any 32-bit value, or a possible CPU 0..7;</item>
/// <item>control flag writes: random bytes (clear insert / clear remove / eject / junk bits without
/// any event pending), an eject of CPU 0, a scan (command 0) followed by "clear insert" and "eject"
/// of whatever it found;</item>
/// <item>random commands, random command data, an _OST event + status pair of junk;</item>
/// <item>byte reads at every offset 0..15 (the write-only command byte, reserved bytes, the four
/// bytes past the block), dword reads, an 8-byte read and an 8-byte write (wrong sizes), byte and
/// halfword writes at random offsets (reserved ones included);</item>
/// <item>GED: event selector reads (which consume the host's events), writes to the read-only
/// selector, a byte read at offset 1.</item>
/// </list>
/// Accesses are naturally aligned: with the MMU off all memory is Device memory, where an
/// unaligned access is an alignment fault taken by the guest itself and never reaches the VMM.
/// Then "HOSTILE-DONE" and PSCI SYSTEM_OFF: the machine must still be running to get there.
/// </summary>
public static class HotplugHammerGuest
{
    private const uint UartBase = 0x0900_0000;
    private const uint GedBase = 0x0908_0000;
    private const uint CpuHotplugBase = 0x090C_0000;
    private const uint SystemOff = 0x8400_0008;

    // Registers the loop keeps: UART, hot-plug block, GED, PRNG state, iterations left.
    private const int Uart = 19, Block = 20, Ged = 21, State = 22, Left = 23;

    /// <summary>The Image file bytes.</summary>
    public static byte[] Build(uint iterations)
    {
        var asm = new A64Assembler();
        asm.Movz(Uart, (ushort)(UartBase >> 16), 1);
        asm.Movz(Block, (ushort)(CpuHotplugBase >> 16), 1);
        asm.Movz(Ged, (ushort)(GedBase >> 16), 1);
        asm.Mov32(State, 0x9E37_79B9).Movk(State, 0x7F4A, 2).Movk(State, 0x3C6E, 3);
        asm.Mov32(Left, iterations);
        Print(asm, "HOSTILE-START\n");

        asm.Label("loop");
        // xorshift64 (Marsaglia): x ^= x << 13; x ^= x >> 7; x ^= x << 17.
        asm.EorShiftLeft(State, State, State, 13).EorShiftRight(State, State, State, 7).EorShiftLeft(State, State, State, 17);
        asm.Ubfx(1, State, 0, 4);       // x1: which action
        asm.Ubfx(2, State, 8, 32);      // x2: a random 32-bit value
        asm.Ubfx(3, State, 40, 4);      // x3: a random byte offset 0..15
        for (int action = 0; action < 16; action++)
        {
            asm.SubImmediate(9, 1, (uint)action).Cbz(9, $"action{action}");
        }

        asm.B("next");

        // 0: selector := any 32-bit value (mostly far out of range).
        asm.Label("action0").StrW(2, Block, 0).B("next");
        // 1: selector := a possible CPU 0..7.
        asm.Label("action1").Ubfx(4, State, 44, 3).StrW(4, Block, 0).B("next");
        // 2: control flags := a random byte (eject / clear events / junk bits, whatever is selected).
        asm.Label("action2").StrbAt(2, Block, 4).B("next");
        // 3: eject CPU 0.
        asm.Label("action3").StrW(31, Block, 0).Movz(4, 0x8).StrbAt(4, Block, 4).B("next");
        // 4: command := a random byte.
        asm.Label("action4").StrbAt(2, Block, 5).B("next");
        // 5: command data := a random dword (junk _OST when the command is 1 or 2).
        asm.Label("action5").StrW(2, Block, 8).B("next");
        // 6: byte read at offset 0..15 (write-only and reserved bytes, and past the block).
        asm.Label("action6").AddRegister(5, Block, 3).Ldrb(4, 5).B("next");
        // 7: dword read at 0, 4, 8 or 12.
        asm.Label("action7").Ubfx(6, State, 48, 2).LslImmediate(6, 6, 2).AddRegister(5, Block, 6).LdrW(4, 5).B("next");
        // 8: 8-byte read of the block (a size it does not take).
        asm.Label("action8").Ldr(4, Block).B("next");
        // 9: 8-byte write at offset 8 (eject bits in every byte).
        asm.Label("action9").AddImmediate(5, Block, 8).Str(2, 5).B("next");
        // 10: GED: read the event selector (steals the host's events from the guest's own handler).
        asm.Label("action10").LdrW(4, Ged).B("next");
        // 11: GED: write the read-only selector, then a byte read at offset 1.
        asm.Label("action11").StrW(2, Ged).Ldrb(4, Ged, 1).B("next");
        // 12: byte write of a random value at a random offset 0..15.
        asm.Label("action12").AddRegister(5, Block, 3).Strb(2, 5).B("next");
        // 13: halfword write at an even offset 0..14.
        asm.Label("action13").Ubfx(6, State, 48, 3).LslImmediate(6, 6, 1).AddRegister(5, Block, 6).Strh(2, 5).B("next");
        // 14: the real scan, then "clear insert" and "eject" of whatever it selected, whether or
        //     not an unplug is pending there.
        asm.Label("action14").StrW(31, Block, 0).StrbAt(31, Block, 5).LdrW(4, Block, 8).Ldrb(4, Block, 4)
            .Movz(4, 0x2).StrbAt(4, Block, 4).Movz(4, 0x4).StrbAt(4, Block, 4).Movz(4, 0x8).StrbAt(4, Block, 4).B("next");
        // 15: an _OST pair of junk: command 1, event; command 2, status.
        asm.Label("action15").Movz(4, 1).StrbAt(4, Block, 5).StrW(2, Block, 8)
            .Movz(4, 2).StrbAt(4, Block, 5).Ubfx(4, State, 32, 32).StrW(4, Block, 8).B("next");

        asm.Label("next").SubImmediate(Left, Left, 1).Cbnz(Left, "loop");

        Print(asm, "HOSTILE-DONE\n");
        asm.Mov32(0, SystemOff).Hvc();
        asm.Label("hang").B("hang");
        return BareMetalImage.Wrap(asm.Assemble());
    }

    private static void Print(A64Assembler asm, string text)
    {
        foreach (char c in text)
        {
            asm.Movz(4, c).Strb(4, Uart);
        }
    }
}
