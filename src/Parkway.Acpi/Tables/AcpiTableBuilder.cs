using System.Buffers.Binary;
using System.Text;
using Parkway.Acpi.Aml;

namespace Parkway.Acpi.Tables;

/// <summary>
/// Builds one System Description Table: the 36-byte header (ACPI 6.5 §5.2.6) followed by the
/// body; <see cref="Finish"/> patches the length and checksum once the body is complete.
/// </summary>
public sealed class AcpiTableBuilder
{
    /// <summary>Size of the standard table header.</summary>
    public const int HeaderLength = 36;

    /// <summary>Offset of the header's checksum byte.</summary>
    public const int ChecksumOffset = 9;

    private readonly AmlWriter _writer = new();

    /// <summary>Starts a table with the given 4-character signature and revision.</summary>
    public AcpiTableBuilder(string signature, byte revision)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.Length != 4)
        {
            throw new ArgumentException("ACPI table signatures are 4 characters.", nameof(signature));
        }

        WriteAscii(signature, 4);
        _writer.WriteUInt32(0); // length, patched by Finish
        _writer.WriteByte(revision);
        _writer.WriteByte(0); // checksum, patched by Finish
        WriteAscii(AcpiOem.OemId, 6);
        WriteAscii(AcpiOem.OemTableId, 8);
        _writer.WriteUInt32(AcpiOem.OemRevision);
        WriteAscii(AcpiOem.CreatorId, 4);
        _writer.WriteUInt32(AcpiOem.CreatorRevision);
    }

    /// <summary>Bytes written so far, header included (the offset of the next byte).</summary>
    public int Length => _writer.Length;

    /// <summary>The body sink, for AML or resource descriptors.</summary>
    public AmlWriter Writer => _writer;

    /// <summary>Appends one byte.</summary>
    public void WriteByte(byte value) => _writer.WriteByte(value);

    /// <summary>Appends a little-endian 16-bit value.</summary>
    public void WriteUInt16(ushort value) => _writer.WriteUInt16(value);

    /// <summary>Appends a little-endian 32-bit value.</summary>
    public void WriteUInt32(uint value) => _writer.WriteUInt32(value);

    /// <summary>Appends a little-endian 64-bit value.</summary>
    public void WriteUInt64(ulong value) => _writer.WriteUInt64(value);

    /// <summary>Appends raw bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes) => _writer.WriteBytes(bytes);

    /// <summary>Appends <paramref name="count"/> zero bytes.</summary>
    public void WriteZeros(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _writer.WriteByte(0);
        }
    }

    /// <summary>Appends <paramref name="text"/> as ASCII, NUL-padded or truncated to <paramref name="width"/>.</summary>
    public void WriteAscii(string text, int width)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        for (var i = 0; i < width; i++)
        {
            _writer.WriteByte(i < bytes.Length ? bytes[i] : (byte)0);
        }
    }

    /// <summary>Returns the finished table with its length and checksum filled in.</summary>
    public byte[] Finish()
    {
        var table = _writer.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4), (uint)table.Length);
        table[ChecksumOffset] = 0;
        table[ChecksumOffset] = AcpiChecksum.Compute(table);
        return table;
    }
}
