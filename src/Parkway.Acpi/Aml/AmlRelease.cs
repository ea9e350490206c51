namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Release (mutex)</c>.</summary>
public sealed class AmlRelease : IAmlWritable
{
    /// <summary>Releases <paramref name="mutex"/>.</summary>
    public AmlRelease(string mutex) => Mutex = new AmlPath(mutex);

    /// <summary>The mutex.</summary>
    public AmlPath Mutex { get; }

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer)
    {
        writer.WriteByte(AmlOpcodes.ExtOpPrefix);
        writer.WriteByte(AmlOpcodes.ReleaseOp);
        writer.Write(Mutex);
    }
}
