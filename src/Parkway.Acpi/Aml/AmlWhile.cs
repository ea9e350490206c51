namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>While (predicate) { ... }</c>.</summary>
public sealed class AmlWhile : IAmlWritable
{
    /// <summary>Creates a loop.</summary>
    public AmlWhile(IAmlWritable predicate, IEnumerable<IAmlWritable> body)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        Predicate = predicate;
        Body = body.ToArray();
    }

    /// <summary>The loop condition.</summary>
    public IAmlWritable Predicate { get; }

    /// <summary>The loop body.</summary>
    public IReadOnlyList<IAmlWritable> Body { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer) => writer.WritePackage([AmlOpcodes.WhileOp], body =>
    {
        body.Write(Predicate);
        body.WriteAll(Body);
    });
}
