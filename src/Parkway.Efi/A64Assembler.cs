using System.Buffers.Binary;

namespace Parkway.Efi;

/// <summary>
/// Encodes the handful of A64 instructions Parkway writes into guest memory (Arm ARM, C6), with
/// labels resolved in a second pass: the EFI runtime services blob, and the bare-metal guests of the
/// host tests. Just enough to read a clock, do integer arithmetic, talk PSCI and poke the UART — no
/// toolchain at build or run time. Registers are numbers 0..30; 31 is XZR/WZR where an instruction
/// reads or stores a register, SP where it is a base or an ADD/SUB immediate operand (as in A64).
/// </summary>
public sealed class A64Assembler
{
    private readonly List<Func<int, uint>> _instructions = [];
    private readonly Dictionary<string, int> _labels = [];

    /// <summary>Current offset in bytes from the start of the code.</summary>
    public int Offset => _instructions.Count * 4;

    /// <summary>Defines a label at the current offset.</summary>
    public A64Assembler Label(string name)
    {
        _labels.Add(name, Offset);
        return this;
    }

    /// <summary>Offset in bytes of a label defined so far.</summary>
    /// <exception cref="KeyNotFoundException">No such label.</exception>
    public int LabelOffset(string name) => _labels[name];

    /// <summary>MOVZ Xd, #imm16, LSL #(16*shift).</summary>
    public A64Assembler Movz(int rd, ushort imm16, int shift = 0) => Emit(0xD280_0000u | (uint)shift << 21 | (uint)imm16 << 5 | (uint)rd);

    /// <summary>MOVK Xd, #imm16, LSL #(16*shift).</summary>
    public A64Assembler Movk(int rd, ushort imm16, int shift = 0) => Emit(0xF280_0000u | (uint)shift << 21 | (uint)imm16 << 5 | (uint)rd);

    /// <summary>Loads a 32-bit constant into Xd (MOVZ + MOVK).</summary>
    public A64Assembler Mov32(int rd, uint value) => Movz(rd, (ushort)value).Movk(rd, (ushort)(value >> 16), 1);

    /// <summary>ADD Xd, Xn, #imm12.</summary>
    public A64Assembler AddImmediate(int rd, int rn, uint imm12) => Emit(0x9100_0000u | imm12 << 10 | (uint)rn << 5 | (uint)rd);

    /// <summary>ADR Xd, label.</summary>
    public A64Assembler Adr(int rd, string label)
    {
        int at = Offset;
        _instructions.Add(_ => 0);
        int index = _instructions.Count - 1;
        _instructions[index] = _ =>
        {
            int delta = _labels[label] - at;
            return 0x1000_0000u | (uint)(delta & 3) << 29 | (uint)((delta >> 2) & 0x7FFFF) << 5 | (uint)rd;
        };
        return this;
    }

    /// <summary>STRB Wt, [Xn].</summary>
    public A64Assembler Strb(int rt, int rn) => Emit(0x3900_0000u | (uint)rn << 5 | (uint)rt);

    /// <summary>STR Xt, [Xn].</summary>
    public A64Assembler Str(int rt, int rn) => Emit(0xF900_0000u | (uint)rn << 5 | (uint)rt);

    /// <summary>LDR Xt, [Xn].</summary>
    public A64Assembler Ldr(int rt, int rn) => Emit(0xF940_0000u | (uint)rn << 5 | (uint)rt);

    /// <summary>STR Wt, [Xn, #offset] (offset a multiple of 4 below 16 KiB): a 32-bit device register store.</summary>
    public A64Assembler StrW(int rt, int rn, uint offset = 0) => Emit(0xB900_0000u | (offset / 4) << 10 | (uint)rn << 5 | (uint)rt);

    /// <summary>LDR Wt, [Xn, #offset] (offset a multiple of 4 below 16 KiB).</summary>
    public A64Assembler LdrW(int rt, int rn, uint offset = 0) => Emit(0xB940_0000u | (offset / 4) << 10 | (uint)rn << 5 | (uint)rt);

    /// <summary>STRH Wt, [Xn, #offset] (offset even, below 8 KiB).</summary>
    public A64Assembler Strh(int rt, int rn, uint offset = 0) => Emit(0x7900_0000u | (offset / 2) << 10 | (uint)rn << 5 | (uint)rt);

    /// <summary>LDRH Wt, [Xn, #offset] (offset even, below 8 KiB).</summary>
    public A64Assembler Ldrh(int rt, int rn, uint offset = 0) => Emit(0x7940_0000u | (offset / 2) << 10 | (uint)rn << 5 | (uint)rt);

    /// <summary>SUB Xd, Xn, #imm12.</summary>
    public A64Assembler SubImmediate(int rd, int rn, uint imm12) => Emit(0xD100_0000u | imm12 << 10 | (uint)rn << 5 | (uint)rd);

    /// <summary>CBNZ Xt, label.</summary>
    public A64Assembler Cbnz(int rt, string label) => Branch(label, delta => 0xB500_0000u | (uint)((delta >> 2) & 0x7FFFF) << 5 | (uint)rt);

    /// <summary>A 32-bit data word.</summary>
    public A64Assembler Word(uint value) => Emit(value);

    /// <summary>CBZ Xt, label.</summary>
    public A64Assembler Cbz(int rt, string label) => Branch(label, delta => 0xB400_0000u | (uint)((delta >> 2) & 0x7FFFF) << 5 | (uint)rt);

    /// <summary>B label.</summary>
    public A64Assembler B(string label) => Branch(label, delta => 0x1400_0000u | (uint)(delta >> 2) & 0x3FF_FFFF);

    /// <summary>HVC #0: an SMCCC call through the hypervisor (what PSCI method "hvc" means).</summary>
    public A64Assembler Hvc() => Emit(0xD400_0002u);

    /// <summary>A 64-bit data word (8-byte aligned by the caller).</summary>
    public A64Assembler Quad(ulong value) => Emit((uint)value).Emit((uint)(value >> 32));

    /// <summary>EOR Xd, Xn, Xm, LSL #amount.</summary>
    public A64Assembler EorShiftLeft(int rd, int rn, int rm, int amount) => Emit(0xCA00_0000u | (uint)rm << 16 | (uint)amount << 10 | (uint)rn << 5 | (uint)rd);

    /// <summary>EOR Xd, Xn, Xm, LSR #amount.</summary>
    public A64Assembler EorShiftRight(int rd, int rn, int rm, int amount) => Emit(0xCA40_0000u | (uint)rm << 16 | (uint)amount << 10 | (uint)rn << 5 | (uint)rd);

    /// <summary>UBFX Xd, Xn, #lsb, #width (UBFM Xd, Xn, #lsb, #(lsb + width - 1)): bits lsb.. of Xn, zero-extended.</summary>
    public A64Assembler Ubfx(int rd, int rn, int lsb, int width) => Emit(0xD340_0000u | (uint)lsb << 16 | (uint)(lsb + width - 1) << 10 | (uint)rn << 5 | (uint)rd);

    /// <summary>LSL Xd, Xn, #amount (UBFM Xd, Xn, #(-amount mod 64), #(63 - amount)).</summary>
    public A64Assembler LslImmediate(int rd, int rn, int amount) => Emit(0xD340_0000u | (uint)((64 - amount) % 64) << 16 | (uint)(63 - amount) << 10 | (uint)rn << 5 | (uint)rd);

    /// <summary>ADD Xd, Xn, Xm.</summary>
    public A64Assembler AddRegister(int rd, int rn, int rm) => Emit(0x8B00_0000u | (uint)rm << 16 | (uint)rn << 5 | (uint)rd);

    /// <summary>STRB Wt, [Xn, #offset].</summary>
    public A64Assembler StrbAt(int rt, int rn, uint offset) => Emit(0x3900_0000u | offset << 10 | (uint)rn << 5 | (uint)rt);

    /// <summary>LDRB Wt, [Xn, #offset].</summary>
    public A64Assembler Ldrb(int rt, int rn, uint offset = 0) => Emit(0x3940_0000u | offset << 10 | (uint)rn << 5 | (uint)rt);

    /// <summary>LDP Xt1, Xt2, [Xn]: a load pair, whose data abort carries no syndrome KVM can decode.</summary>
    public A64Assembler Ldp(int rt1, int rt2, int rn) => Emit(0xA940_0000u | (uint)rt2 << 10 | (uint)rn << 5 | (uint)rt1);

    /// <summary>MSR VBAR_EL1, Xt: where the EL1 exception vectors are.</summary>
    public A64Assembler MsrVbarEl1(int rt) => Emit(0xD518_C000u | (uint)rt);

    /// <summary>MOV Xd, Xm (ORR Xd, XZR, Xm).</summary>
    public A64Assembler MovRegister(int rd, int rm) => Emit(0xAA00_03E0u | (uint)rm << 16 | (uint)rd);

    /// <summary>Loads a 64-bit constant into Xd: MOVZ for its lowest non-zero 16 bits (or 0), MOVK for every other non-zero 16 bits.</summary>
    public A64Assembler Mov64(int rd, ulong value)
    {
        int first = 0;
        while (value != 0 && (ushort)(value >> (16 * first)) == 0)
        {
            first++;
        }

        Movz(rd, (ushort)(value >> (16 * first)), first);
        for (int shift = first + 1; shift < 4; shift++)
        {
            ushort part = (ushort)(value >> (16 * shift));
            if (part != 0)
            {
                Movk(rd, part, shift);
            }
        }

        return this;
    }

    /// <summary>SUB Xd, Xn, Xm.</summary>
    public A64Assembler SubRegister(int rd, int rn, int rm) => Emit(0xCB00_0000u | (uint)rm << 16 | (uint)rn << 5 | (uint)rd);

    /// <summary>UDIV Xd, Xn, Xm (Xd = Xn / Xm, unsigned, rounded towards zero).</summary>
    public A64Assembler Udiv(int rd, int rn, int rm) => Emit(0x9AC0_0800u | (uint)rm << 16 | (uint)rn << 5 | (uint)rd);

    /// <summary>MADD Xd, Xn, Xm, Xa (Xd = Xa + Xn * Xm).</summary>
    public A64Assembler Madd(int rd, int rn, int rm, int ra) => Emit(0x9B00_0000u | (uint)rm << 16 | (uint)ra << 10 | (uint)rn << 5 | (uint)rd);

    /// <summary>MSUB Xd, Xn, Xm, Xa (Xd = Xa - Xn * Xm): with a UDIV, the remainder.</summary>
    public A64Assembler Msub(int rd, int rn, int rm, int ra) => Emit(0x9B00_8000u | (uint)rm << 16 | (uint)ra << 10 | (uint)rn << 5 | (uint)rd);

    /// <summary>MUL Xd, Xn, Xm (MADD with XZR).</summary>
    public A64Assembler Mul(int rd, int rn, int rm) => Madd(rd, rn, rm, 31);

    /// <summary>LSR Xd, Xn, #amount (UBFM Xd, Xn, #amount, #63).</summary>
    public A64Assembler LsrImmediate(int rd, int rn, int amount) => Emit(0xD340_FC00u | (uint)amount << 16 | (uint)rn << 5 | (uint)rd);

    /// <summary>CMP Xn, #imm12 (SUBS XZR, Xn, #imm12).</summary>
    public A64Assembler CmpImmediate(int rn, uint imm12) => Emit(0xF100_001Fu | imm12 << 10 | (uint)rn << 5);

    /// <summary>CSEL Xd, Xn, Xm, cond (Xd = cond ? Xn : Xm).</summary>
    public A64Assembler Csel(int rd, int rn, int rm, A64Condition condition) =>
        Emit(0x9A80_0000u | (uint)rm << 16 | (uint)condition << 12 | (uint)rn << 5 | (uint)rd);

    /// <summary>CINC Xd, Xn, cond (Xd = cond ? Xn + 1 : Xn; CSINC Xd, Xn, Xn, !cond).</summary>
    public A64Assembler Cinc(int rd, int rn, A64Condition condition) =>
        Emit(0x9A80_0400u | (uint)rn << 16 | ((uint)condition ^ 1) << 12 | (uint)rn << 5 | (uint)rd);

    /// <summary>RET (to X30).</summary>
    public A64Assembler Ret() => Emit(0xD65F_03C0u);

    /// <summary>ISB.</summary>
    public A64Assembler Isb() => Emit(0xD503_3FDFu);

    /// <summary>The encoded code.</summary>
    public byte[] Assemble()
    {
        byte[] code = new byte[Offset];
        for (int i = 0; i < _instructions.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(code.AsSpan(i * 4), _instructions[i](i * 4));
        }

        return code;
    }

    private A64Assembler Emit(uint word)
    {
        _instructions.Add(_ => word);
        return this;
    }

    private A64Assembler Branch(string label, Func<int, uint> encode)
    {
        int at = Offset;
        _instructions.Add(_ => encode(_labels[label] - at));
        return this;
    }
}
