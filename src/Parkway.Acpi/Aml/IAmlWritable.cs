namespace Parkway.Acpi.Aml;

/// <summary>
/// Anything that can encode itself as AML bytes: name strings, data objects, named objects,
/// statements and expressions. Implementations are immutable, so one object may be written
/// many times (for example the same <see cref="AmlInteger"/> in several methods).
/// </summary>
public interface IAmlWritable
{
    /// <summary>Appends this object's AML encoding to <paramref name="writer"/>.</summary>
    void WriteTo(AmlWriter writer);
}
