namespace Parkway.Acpi.Aml;

/// <summary>
/// ASL <c>Package () { elements }</c>. Up to 255 elements use PackageOp with a byte count;
/// larger packages use VarPackageOp with an integer count.
/// </summary>
public sealed class AmlPackage : IAmlWritable
{
    /// <summary>Creates a package of <paramref name="elements"/>.</summary>
    public AmlPackage(IEnumerable<IAmlWritable> elements) => Elements = elements.ToArray();

    /// <summary>The elements.</summary>
    public IReadOnlyList<IAmlWritable> Elements { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        if (Elements.Count <= byte.MaxValue)
        {
            writer.WritePackage([AmlOpcodes.PackageOp], body =>
            {
                body.WriteByte((byte)Elements.Count);
                body.WriteAll(Elements);
            });
            return;
        }

        writer.WritePackage([AmlOpcodes.VarPackageOp], body =>
        {
            body.Write(new AmlInteger((ulong)Elements.Count));
            body.WriteAll(Elements);
        });
    }
}
