namespace Parkway.Acpi.Aml.Resources;

/// <summary>
/// One resource descriptor of a ResourceTemplate (ACPI 6.5 §6.4): raw bytes, not AML terms,
/// collected into a Buffer by <see cref="AmlResourceTemplate"/>.
/// </summary>
public interface IAmlResourceDescriptor
{
    /// <summary>Appends the descriptor's bytes.</summary>
    void WriteTo(AmlWriter writer);
}
