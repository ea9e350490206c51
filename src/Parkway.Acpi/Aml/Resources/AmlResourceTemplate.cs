namespace Parkway.Acpi.Aml.Resources;

/// <summary>
/// ASL <c>ResourceTemplate () { ... }</c>: a Buffer holding the descriptors followed by an End
/// Tag (0x79) whose checksum byte makes the whole template sum to zero.
/// </summary>
public sealed class AmlResourceTemplate : IAmlWritable
{
    /// <summary>Small resource End Tag item: type 0x0F, length 1.</summary>
    public const byte EndTag = 0x79;

    /// <summary>Creates a template of <paramref name="descriptors"/>.</summary>
    public AmlResourceTemplate(IEnumerable<IAmlResourceDescriptor> descriptors) => Descriptors = descriptors.ToArray();

    /// <summary>The descriptors, in order.</summary>
    public IReadOnlyList<IAmlResourceDescriptor> Descriptors { get; }

    /// <summary>The template's bytes (descriptors and End Tag), without the Buffer wrapping.</summary>
    public byte[] ToBytes()
    {
        var writer = new AmlWriter();
        foreach (var descriptor in Descriptors)
        {
            descriptor.WriteTo(writer);
        }

        writer.WriteByte(EndTag);
        writer.WriteByte(AcpiChecksum.Compute(writer.WrittenSpan));
        return writer.ToArray();
    }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer) => writer.Write(new AmlBuffer(ToBytes()));
}
