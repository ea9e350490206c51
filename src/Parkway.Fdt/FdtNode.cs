using System.Buffers.Binary;
using System.Text;

namespace Parkway.Fdt;

/// <summary>A node of a parsed device tree, with typed accessors for its property values.</summary>
public sealed class FdtNode
{
    internal FdtNode(string name, IReadOnlyList<FdtNode> children, IReadOnlyDictionary<string, byte[]> properties)
    {
        Name = name;
        Children = children;
        Properties = properties;
    }

    /// <summary>The node name including any unit address ("cpu@0"); "" for the root.</summary>
    public string Name { get; }

    /// <summary>Child nodes in blob order.</summary>
    public IReadOnlyList<FdtNode> Children { get; }

    /// <summary>Property values as raw bytes, keyed by property name.</summary>
    public IReadOnlyDictionary<string, byte[]> Properties { get; }

    /// <summary>
    /// Finds a descendant by path relative to this node ("/cpus/cpu@0" from the root); "/" or ""
    /// returns this node. Names must match exactly, unit address included. Null when absent.
    /// </summary>
    public FdtNode? Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FdtNode? current = this;
        foreach (string component in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = current.Child(component);
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>The direct child with exactly this name, or null.</summary>
    public FdtNode? Child(string name)
    {
        foreach (FdtNode child in Children)
        {
            if (string.Equals(child.Name, name, StringComparison.Ordinal))
            {
                return child;
            }
        }

        return null;
    }

    /// <summary>True when the node has a property with this name.</summary>
    public bool Has(string name) => Properties.ContainsKey(name);

    /// <summary>Reads a one-cell property.</summary>
    /// <exception cref="KeyNotFoundException">No such property.</exception>
    /// <exception cref="FdtFormatException">The value is not exactly 4 bytes.</exception>
    public uint GetU32(string name) => BinaryPrimitives.ReadUInt32BigEndian(GetSized(name, sizeof(uint)));

    /// <summary>Reads a two-cell property as one 64-bit value.</summary>
    /// <exception cref="KeyNotFoundException">No such property.</exception>
    /// <exception cref="FdtFormatException">The value is not exactly 8 bytes.</exception>
    public ulong GetU64(string name) => BinaryPrimitives.ReadUInt64BigEndian(GetSized(name, sizeof(ulong)));

    /// <summary>Reads a property holding exactly one NUL-terminated string.</summary>
    /// <exception cref="KeyNotFoundException">No such property.</exception>
    /// <exception cref="FdtFormatException">Not NUL-terminated, or more than one string.</exception>
    public string GetString(string name)
    {
        IReadOnlyList<string> strings = GetStrings(name);
        if (strings.Count != 1)
        {
            throw new FdtFormatException(
                $"Property \"{name}\" of node \"{Name}\" holds {strings.Count} strings, expected exactly one.");
        }

        return strings[0];
    }

    /// <summary>Reads a string-list property (every string NUL-terminated).</summary>
    /// <exception cref="KeyNotFoundException">No such property.</exception>
    /// <exception cref="FdtFormatException">The value does not end with NUL.</exception>
    public IReadOnlyList<string> GetStrings(string name)
    {
        byte[] value = Get(name);
        if (value.Length == 0)
        {
            return [];
        }

        if (value[^1] != 0)
        {
            throw new FdtFormatException($"Property \"{name}\" of node \"{Name}\" is not a NUL-terminated string.");
        }

        string[] parts = Encoding.UTF8.GetString(value, 0, value.Length - 1).Split('\0');
        return parts;
    }

    /// <summary>Reads a list of big-endian u32 cells.</summary>
    /// <exception cref="KeyNotFoundException">No such property.</exception>
    /// <exception cref="FdtFormatException">The length is not a multiple of 4.</exception>
    public uint[] GetCells(string name)
    {
        byte[] value = Get(name);
        if (value.Length % sizeof(uint) != 0)
        {
            throw new FdtFormatException(
                $"Property \"{name}\" of node \"{Name}\" is {value.Length} bytes, not a whole number of cells.");
        }

        uint[] cells = new uint[value.Length / sizeof(uint)];
        for (int i = 0; i < cells.Length; i++)
        {
            cells[i] = BinaryPrimitives.ReadUInt32BigEndian(value.AsSpan(i * sizeof(uint)));
        }

        return cells;
    }

    /// <inheritdoc/>
    public override string ToString() => Name.Length == 0 ? "/" : Name;

    private byte[] Get(string name) =>
        Properties.TryGetValue(name, out byte[]? value)
            ? value
            : throw new KeyNotFoundException($"Node \"{ToString()}\" has no property \"{name}\".");

    private byte[] GetSized(string name, int size)
    {
        byte[] value = Get(name);
        if (value.Length != size)
        {
            throw new FdtFormatException(
                $"Property \"{name}\" of node \"{ToString()}\" is {value.Length} bytes, expected {size}.");
        }

        return value;
    }
}
