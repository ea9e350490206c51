namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Field (region, access, lock, update) { ... }</c>.</summary>
public sealed class AmlField : IAmlWritable
{
    /// <summary>Creates a field list over <paramref name="regionName"/>.</summary>
    public AmlField(
        string regionName,
        AmlFieldAccessType access,
        AmlFieldLockRule lockRule,
        AmlFieldUpdateRule updateRule,
        IEnumerable<AmlFieldElement> elements)
    {
        Region = new AmlPath(regionName);
        Access = access;
        LockRule = lockRule;
        UpdateRule = updateRule;
        Elements = elements.ToArray();
    }

    /// <summary>The operation region the fields live in.</summary>
    public AmlPath Region { get; }

    /// <summary>Access width.</summary>
    public AmlFieldAccessType Access { get; }

    /// <summary>Global lock rule.</summary>
    public AmlFieldLockRule LockRule { get; }

    /// <summary>Update rule.</summary>
    public AmlFieldUpdateRule UpdateRule { get; }

    /// <summary>The field units and reserved gaps, in bit order.</summary>
    public IReadOnlyList<AmlFieldElement> Elements { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer) => writer.WritePackage([AmlOpcodes.ExtOpPrefix, AmlOpcodes.FieldOp], body =>
    {
        body.Write(Region);
        body.WriteByte((byte)((byte)Access | ((byte)LockRule << 4) | ((byte)UpdateRule << 5)));
        var bitPosition = 0;
        foreach (var element in Elements)
        {
            element.WriteTo(body, ref bitPosition);
        }
    });
}
