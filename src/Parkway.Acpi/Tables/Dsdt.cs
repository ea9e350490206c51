using Parkway.Acpi.Aml;

namespace Parkway.Acpi.Tables;

/// <summary>Differentiated System Description Table: the header followed by an AML term list.</summary>
public static class Dsdt
{
    /// <summary>Revision 2: integers are 64 bits wide.</summary>
    public const byte Revision = 2;

    /// <summary>Builds a DSDT holding <paramref name="terms"/>.</summary>
    public static byte[] Build(IEnumerable<IAmlWritable> terms)
    {
        var table = new AcpiTableBuilder("DSDT", Revision);
        table.Writer.WriteAll(terms);
        return table.Finish();
    }
}
