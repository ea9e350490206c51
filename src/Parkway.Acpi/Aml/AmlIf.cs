namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>If (predicate) { ... } Else { ... }</c> (the Else part is optional).</summary>
public sealed class AmlIf : IAmlWritable
{
    /// <summary>Creates an If with an optional Else branch.</summary>
    public AmlIf(IAmlWritable predicate, IEnumerable<IAmlWritable> then, IEnumerable<IAmlWritable>? otherwise = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        Predicate = predicate;
        Then = then.ToArray();
        Otherwise = otherwise?.ToArray();
    }

    /// <summary>The condition.</summary>
    public IAmlWritable Predicate { get; }

    /// <summary>Statements run when the predicate is non-zero.</summary>
    public IReadOnlyList<IAmlWritable> Then { get; }

    /// <summary>Statements of the Else branch, or null when there is none.</summary>
    public IReadOnlyList<IAmlWritable>? Otherwise { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WritePackage([AmlOpcodes.IfOp], body =>
        {
            body.Write(Predicate);
            body.WriteAll(Then);
        });

        // Else is a separate opcode that must directly follow the If it belongs to.
        if (Otherwise is not null)
        {
            writer.WritePackage([AmlOpcodes.ElseOp], body => body.WriteAll(Otherwise));
        }
    }
}
