namespace Parkway.Acpi.Aml;

/// <summary>Convenience helpers for <see cref="IAmlWritable"/>.</summary>
public static class AmlWritableExtensions
{
    /// <summary>Encodes <paramref name="item"/> on its own and returns the bytes.</summary>
    public static byte[] ToAml(this IAmlWritable item)
    {
        var writer = new AmlWriter();
        writer.Write(item);
        return writer.ToArray();
    }
}
