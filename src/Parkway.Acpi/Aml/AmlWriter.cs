using System.Buffers.Binary;

namespace Parkway.Acpi.Aml;

/// <summary>
/// Growable little-endian byte sink that AML objects (and ACPI resource descriptors) write into.
/// Package-style encodings (opcode + PkgLength + body) are produced by writing the body into a
/// child writer first, because the PkgLength prefix depends on the body's final size.
/// </summary>
public sealed class AmlWriter
{
    private byte[] _buffer = new byte[64];
    private int _length;

    /// <summary>Number of bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The bytes written so far (valid until the next write).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Appends one byte.</summary>
    public void WriteByte(byte value) => Reserve(1)[0] = value;

    /// <summary>Appends a little-endian 16-bit value.</summary>
    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    /// <summary>Appends a little-endian 32-bit value.</summary>
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    /// <summary>Appends a little-endian 64-bit value.</summary>
    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    /// <summary>Appends raw bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>Appends the encoding of <paramref name="item"/>.</summary>
    public void Write(IAmlWritable item)
    {
        ArgumentNullException.ThrowIfNull(item);
        item.WriteTo(this);
    }

    /// <summary>Appends the encodings of <paramref name="items"/> in order.</summary>
    public void WriteAll(IEnumerable<IAmlWritable> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            Write(item);
        }
    }

    /// <summary>
    /// Appends <paramref name="opcode"/>, then a PkgLength covering itself and the body, then the
    /// body produced by <paramref name="writeBody"/>.
    /// </summary>
    public void WritePackage(ReadOnlySpan<byte> opcode, Action<AmlWriter> writeBody)
    {
        ArgumentNullException.ThrowIfNull(writeBody);
        var body = new AmlWriter();
        writeBody(body);
        WriteBytes(opcode);
        PkgLength.WriteIncludingItself(this, body.Length);
        WriteBytes(body.WrittenSpan);
    }

    /// <summary>Returns a copy of everything written.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
