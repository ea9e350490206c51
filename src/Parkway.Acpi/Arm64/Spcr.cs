using Parkway.Acpi.Tables;

namespace Parkway.Acpi.Arm64;

/// <summary>
/// Serial Port Console Redirection table, revision 2 (80 bytes), describing a PL011 UART so the
/// guest picks its console without a command line.
/// </summary>
public static class Spcr
{
    /// <summary>Interface type 3: ARM PL011 UART.</summary>
    public const byte InterfaceTypePl011 = 3;

    /// <summary>Interrupt type bit 3: ARM GIC interrupt (GSIV).</summary>
    public const byte InterruptTypeGic = 8;

    /// <summary>Builds the SPCR.</summary>
    /// <param name="uartBase">MMIO base of the PL011.</param>
    /// <param name="gsiv">The UART's global system interrupt.</param>
    /// <param name="baudRate">Configured rate: 7 = 115200, 0 = "as is" (keep what firmware set).</param>
    public static byte[] Build(ulong uartBase, uint gsiv, byte baudRate = BaudRate115200)
    {
        var table = new AcpiTableBuilder("SPCR", 2);
        table.WriteByte(InterfaceTypePl011); // 36
        table.WriteZeros(3); // 37 reserved
        // 40 Base address: Generic Address Structure, SystemMemory, 32-bit wide, DWORD access.
        table.WriteByte(0); // address space: system memory
        table.WriteByte(32); // register bit width
        table.WriteByte(0); // register bit offset
        table.WriteByte(3); // access size: DWORD
        table.WriteUInt64(uartBase);
        table.WriteByte(InterruptTypeGic); // 52
        table.WriteByte(0); // 53 PC-AT IRQ: none
        table.WriteUInt32(gsiv); // 54
        table.WriteByte(baudRate); // 58
        table.WriteByte(0); // 59 parity: none
        table.WriteByte(1); // 60 stop bits: 1
        table.WriteByte(0); // 61 flow control: none
        table.WriteByte(0); // 62 terminal type: VT100
        table.WriteByte(0); // 63 language
        table.WriteUInt16(0xFFFF); // 64 PCI device ID: not a PCI device
        table.WriteUInt16(0xFFFF); // 66 PCI vendor ID
        table.WriteByte(0); // 68 PCI bus
        table.WriteByte(0); // 69 PCI device
        table.WriteByte(0); // 70 PCI function
        table.WriteUInt32(0); // 71 PCI flags
        table.WriteByte(0); // 75 PCI segment
        table.WriteUInt32(0); // 76 reserved
        return table.Finish();
    }

    /// <summary>Baud rate code for 115200.</summary>
    public const byte BaudRate115200 = 7;

    /// <summary>Baud rate code meaning "as is".</summary>
    public const byte BaudRateAsIs = 0;
}
