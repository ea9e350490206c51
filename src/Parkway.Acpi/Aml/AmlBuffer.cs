namespace Parkway.Acpi.Aml;

/// <summary>ASL <c>Buffer (n) { bytes }</c> with the size equal to the byte count.</summary>
public sealed class AmlBuffer : IAmlWritable
{
    private readonly byte[] _bytes;

    /// <summary>Creates a buffer holding a copy of <paramref name="bytes"/>.</summary>
    public AmlBuffer(ReadOnlySpan<byte> bytes) => _bytes = bytes.ToArray();

    /// <summary>The contents.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <inheritdoc />
    public void WriteTo(AmlWriter writer) => writer.WritePackage([AmlOpcodes.BufferOp], body =>
    {
        body.Write(new AmlInteger((ulong)_bytes.Length));
        body.WriteBytes(_bytes);
    });
}
