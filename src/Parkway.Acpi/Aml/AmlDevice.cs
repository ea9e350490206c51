namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Device (name) { ... }</c>.</summary>
public sealed class AmlDevice : IAmlWritable
{
    /// <summary>Creates a device holding <paramref name="children"/>.</summary>
    public AmlDevice(string name, IEnumerable<IAmlWritable> children)
    {
        Name = new AmlPath(name);
        Children = children.ToArray();
    }

    /// <summary>The device's name (usually one NameSeg).</summary>
    public AmlPath Name { get; }

    /// <summary>The objects declared inside.</summary>
    public IReadOnlyList<IAmlWritable> Children { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer) => writer.WritePackage([AmlOpcodes.ExtOpPrefix, AmlOpcodes.DeviceOp], body =>
    {
        body.Write(Name);
        body.WriteAll(Children);
    });
}
