namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Scope (path) { ... }</c>: opens an existing namespace scope.</summary>
public sealed class AmlScope : IAmlWritable
{
    /// <summary>Creates a scope holding <paramref name="children"/>.</summary>
    public AmlScope(string path, IEnumerable<IAmlWritable> children)
    {
        Path = new AmlPath(path);
        Children = children.ToArray();
    }

    /// <summary>The scope's path.</summary>
    public AmlPath Path { get; }

    /// <summary>The objects declared inside.</summary>
    public IReadOnlyList<IAmlWritable> Children { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer) => writer.WritePackage([AmlOpcodes.ScopeOp], body =>
    {
        body.Write(Path);
        body.WriteAll(Children);
    });
}
