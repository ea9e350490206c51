namespace Parkway.Acpi.Tables;

/// <summary>Extended System Description Table: the header followed by 64-bit table addresses.</summary>
public static class Xsdt
{
    /// <summary>Builds an XSDT listing <paramref name="tableAddresses"/> (all but DSDT and FACS).</summary>
    public static byte[] Build(IEnumerable<ulong> tableAddresses)
    {
        var table = new AcpiTableBuilder("XSDT", 1);
        foreach (var address in tableAddresses)
        {
            table.WriteUInt64(address);
        }

        return table.Finish();
    }

    /// <summary>Size of an XSDT with <paramref name="entryCount"/> entries.</summary>
    public static int LengthFor(int entryCount) => AcpiTableBuilder.HeaderLength + (8 * entryCount);
}
