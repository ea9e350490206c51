using Parkway.Acpi.Tables;

namespace Parkway.Acpi.Arm64;

/// <summary>
/// Multiple APIC Description Table, revision 5, for a GICv3 platform: one GICD, one GICC per
/// possible CPU and one GICR structure per redistributor region.
/// </summary>
public static class Madt
{
    /// <summary>Table revision (ACPI 6.3+ layout; GICC Online Capable needs ACPI 6.5 semantics).</summary>
    public const byte Revision = 5;

    /// <summary>GIC Distributor structure type.</summary>
    public const byte GicdType = 0x0C;

    /// <summary>GIC Redistributor structure type.</summary>
    public const byte GicrType = 0x0E;

    /// <summary>Builds the MADT.</summary>
    /// <param name="distributorBase">GICD physical base.</param>
    /// <param name="cpus">One entry per possible CPU, in CPU order.</param>
    /// <param name="redistributorRegions">Redistributor discovery ranges.</param>
    public static byte[] Build(
        ulong distributorBase,
        IEnumerable<MadtGicc> cpus,
        IEnumerable<(ulong Base, ulong Length)> redistributorRegions)
    {
        var table = new AcpiTableBuilder("APIC", Revision);
        table.WriteUInt32(0); // local interrupt controller address: unused on arm
        table.WriteUInt32(0); // flags: no PC-AT 8259s

        table.WriteByte(GicdType);
        table.WriteByte(24);
        table.WriteUInt16(0); // reserved
        table.WriteUInt32(0); // GIC ID
        table.WriteUInt64(distributorBase);
        table.WriteUInt32(0); // system vector base
        table.WriteByte(3); // GIC version 3
        table.WriteZeros(3);

        foreach (var gicc in cpus)
        {
            gicc.WriteTo(table.Writer);
        }

        foreach (var (regionBase, length) in redistributorRegions)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(length, uint.MaxValue, nameof(redistributorRegions));
            table.WriteByte(GicrType);
            table.WriteByte(16);
            table.WriteUInt16(0); // reserved
            table.WriteUInt64(regionBase);
            table.WriteUInt32((uint)length);
        }

        return table.Finish();
    }
}
