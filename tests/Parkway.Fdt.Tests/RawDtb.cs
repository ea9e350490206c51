using System.Buffers.Binary;

namespace Parkway.Fdt.Tests;

/// <summary>
/// Assembles a DTB around hand-written structure and strings blocks, with a correct header, so a
/// fixture can break exactly one thing in the structure block. Independent of <see cref="FdtBuilder"/>.
/// </summary>
internal static class RawDtb
{
    public const uint BeginNode = 1, EndNode = 2, Prop = 3, Nop = 4, End = 9;

    public static byte[] Assemble(byte[] structure, byte[] strings)
    {
        const int rsvmapOffset = 40, structOffset = 56;
        int stringsOffset = structOffset + structure.Length;
        byte[] blob = new byte[stringsOffset + strings.Length];
        uint[] header = [0xD00DFEED, (uint)blob.Length, structOffset, (uint)stringsOffset, rsvmapOffset, 17, 16, 0,
            (uint)strings.Length, (uint)structure.Length];
        for (int i = 0; i < header.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(i * 4), header[i]);
        }

        // The 16 bytes at 40..55 stay zero: the reservation map terminator.
        structure.CopyTo(blob, structOffset);
        strings.CopyTo(blob, stringsOffset);
        return blob;
    }

    /// <summary>Big-endian words, then raw byte chunks, concatenated.</summary>
    public static byte[] Words(params uint[] words)
    {
        byte[] bytes = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), words[i]);
        }

        return bytes;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    /// <summary>A copy of <paramref name="source"/> with one big-endian u32 overwritten.</summary>
    public static byte[] WithU32(byte[] source, int offset, uint value)
    {
        byte[] copy = (byte[])source.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(offset), value);
        return copy;
    }
}
