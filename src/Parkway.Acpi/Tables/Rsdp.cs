using System.Buffers.Binary;
using System.Text;

namespace Parkway.Acpi.Tables;

/// <summary>
/// Root System Description Pointer, revision 2 (ACPI 6.5 §5.2.5.3): 36 bytes, a checksum over
/// the first 20 bytes (the ACPI 1.0 part) and an extended checksum over all 36.
/// </summary>
public static class Rsdp
{
    /// <summary>Size of a revision 2 RSDP.</summary>
    public const int Length = 36;

    /// <summary>Builds an RSDP pointing at the XSDT (the 32-bit RSDT address is left 0).</summary>
    public static byte[] Build(ulong xsdtAddress)
    {
        var rsdp = new byte[Length];
        Encoding.ASCII.GetBytes("RSD PTR ").CopyTo(rsdp, 0);
        Encoding.ASCII.GetBytes(AcpiOem.OemId).CopyTo(rsdp, 9);
        rsdp[15] = 2; // revision
        BinaryPrimitives.WriteUInt32LittleEndian(rsdp.AsSpan(20), Length);
        BinaryPrimitives.WriteUInt64LittleEndian(rsdp.AsSpan(24), xsdtAddress);
        rsdp[8] = AcpiChecksum.Compute(rsdp.AsSpan(0, 20));
        rsdp[32] = AcpiChecksum.Compute(rsdp);
        return rsdp;
    }
}
