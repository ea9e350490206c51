using System.Buffers.Binary;
using System.Text;

namespace Parkway.Fdt;

/// <summary>
/// Walks the token stream of a DTB structure block and builds the node tree. Iterative (an explicit
/// stack), so a deeply nested hostile blob cannot overflow the call stack.
/// </summary>
internal static class FdtStructureParser
{
    /// <param name="structure">The structure block.</param>
    /// <param name="strings">The strings block.</param>
    /// <param name="structureOffset">Where the structure block starts in the blob, for error messages.</param>
    public static FdtNode Parse(ReadOnlySpan<byte> structure, ReadOnlySpan<byte> strings, uint structureOffset)
    {
        var open = new Stack<PendingNode>();
        FdtNode? root = null;
        int position = 0;
        while (true)
        {
            long blobOffset = structureOffset + position;
            if (position + sizeof(uint) > structure.Length)
            {
                throw new FdtFormatException(
                    $"Structure block ends at offset {structureOffset + structure.Length} without an FDT_END token.");
            }

            uint token = BinaryPrimitives.ReadUInt32BigEndian(structure[position..]);
            position += sizeof(uint);
            switch (token)
            {
                case FdtFormat.TokenBeginNode:
                {
                    if (root is not null)
                    {
                        throw new FdtFormatException($"Second root node at offset {blobOffset}.");
                    }

                    string name = ReadNulTerminated(structure, position, "node name", structureOffset, out int nameLength);
                    position = FdtFormat.AlignUp(position + nameLength + 1, FdtFormat.StructureAlignment);
                    open.Push(new PendingNode(name));
                    break;
                }

                case FdtFormat.TokenEndNode:
                {
                    if (!open.TryPop(out PendingNode? finished))
                    {
                        throw new FdtFormatException($"FDT_END_NODE without a matching FDT_BEGIN_NODE at offset {blobOffset}.");
                    }

                    FdtNode node = finished.ToNode();
                    if (open.TryPeek(out PendingNode? parent))
                    {
                        parent.Children.Add(node);
                    }
                    else
                    {
                        root = node;
                    }

                    break;
                }

                case FdtFormat.TokenProperty:
                    position = ReadProperty(structure, strings, position, open, structureOffset);
                    break;

                case FdtFormat.TokenNop:
                    break;

                case FdtFormat.TokenEnd:
                    if (open.Count != 0 || root is null)
                    {
                        throw new FdtFormatException(
                            $"FDT_END at offset {blobOffset} with {open.Count} node(s) still open" +
                            (root is null ? " and no root node." : "."));
                    }

                    return root;

                default:
                    throw new FdtFormatException($"Unknown structure token 0x{token:x8} at offset {blobOffset}.");
            }
        }
    }

    private static int ReadProperty(
        ReadOnlySpan<byte> structure, ReadOnlySpan<byte> strings, int position, Stack<PendingNode> open, uint structureOffset)
    {
        long blobOffset = structureOffset + position - sizeof(uint);
        if (!open.TryPeek(out PendingNode? node))
        {
            throw new FdtFormatException($"FDT_PROP outside any node at offset {blobOffset}.");
        }

        if (position + (2 * sizeof(uint)) > structure.Length)
        {
            throw new FdtFormatException($"FDT_PROP at offset {blobOffset} is truncated.");
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(structure[position..]);
        uint nameOffset = BinaryPrimitives.ReadUInt32BigEndian(structure[(position + sizeof(uint))..]);
        position += 2 * sizeof(uint);
        if (position + (long)length > structure.Length)
        {
            throw new FdtFormatException(
                $"FDT_PROP at offset {blobOffset}: value of {length} bytes runs past the end of the structure block.");
        }

        if (nameOffset >= strings.Length)
        {
            throw new FdtFormatException(
                $"FDT_PROP at offset {blobOffset}: name offset {nameOffset} is outside the strings block ({strings.Length} bytes).");
        }

        string name = ReadNulTerminated(strings[(int)nameOffset..], 0, "property name", structureOffset, out _);
        byte[] value = structure.Slice(position, (int)length).ToArray();
        if (!node.Properties.TryAdd(name, value))
        {
            throw new FdtFormatException($"Duplicate property \"{name}\" in node \"{node.Name}\" at offset {blobOffset}.");
        }

        return FdtFormat.AlignUp(position + (int)length, FdtFormat.StructureAlignment);
    }

    private static string ReadNulTerminated(
        ReadOnlySpan<byte> block, int start, string what, uint structureOffset, out int length)
    {
        length = block[start..].IndexOf((byte)0);
        if (length < 0)
        {
            throw new FdtFormatException(
                what == "node name"
                    ? $"Unterminated node name at offset {structureOffset + start}."
                    : $"Unterminated {what} in the strings block.");
        }

        return Encoding.UTF8.GetString(block.Slice(start, length));
    }

    /// <summary>A node whose FDT_END_NODE has not been seen yet.</summary>
    private sealed class PendingNode(string name)
    {
        public string Name { get; } = name;

        public List<FdtNode> Children { get; } = [];

        public Dictionary<string, byte[]> Properties { get; } = new(StringComparer.Ordinal);

        public FdtNode ToNode() => new(Name, Children, Properties);
    }
}
