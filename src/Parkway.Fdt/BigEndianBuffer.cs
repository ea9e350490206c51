using System.Buffers;
using System.Buffers.Binary;

namespace Parkway.Fdt;

/// <summary>A growable byte buffer that writes the big-endian integers the DTB format uses.</summary>
internal sealed class BigEndianBuffer
{
    private readonly ArrayBufferWriter<byte> _writer = new(256);

    public int Length => _writer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _writer.WrittenSpan;

    public void WriteU32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_writer.GetSpan(sizeof(uint)), value);
        _writer.Advance(sizeof(uint));
    }

    public void WriteU64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_writer.GetSpan(sizeof(ulong)), value);
        _writer.Advance(sizeof(ulong));
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => _writer.Write(bytes);

    /// <summary>Appends zero bytes until the length is a multiple of <paramref name="alignment"/>.</summary>
    public void PadTo(int alignment)
    {
        int padding = FdtFormat.AlignUp(Length, alignment) - Length;
        if (padding > 0)
        {
            Span<byte> zeros = _writer.GetSpan(padding)[..padding];
            zeros.Clear();
            _writer.Advance(padding);
        }
    }
}
