namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Store (source, target)</c>, i.e. <c>target = source</c>.</summary>
public sealed class AmlStore : IAmlWritable
{
    /// <summary>Stores <paramref name="source"/> into <paramref name="target"/>.</summary>
    public AmlStore(IAmlWritable source, IAmlWritable target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        Source = source;
        Target = target;
    }

    /// <summary>The value.</summary>
    public IAmlWritable Source { get; }

    /// <summary>Where it goes (a name, a local, an argument).</summary>
    public IAmlWritable Target { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(AmlOpcodes.StoreOp);
        writer.Write(Source);
        writer.Write(Target);
    }
}
