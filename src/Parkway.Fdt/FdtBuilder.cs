using System.Buffers.Binary;
using System.Text;

namespace Parkway.Fdt;

/// <summary>
/// Writes a flattened device tree blob (DTB, version 17) node by node:
/// <c>BeginNode("")</c> opens the root, properties come before child nodes (as dtc emits them),
/// <c>EndNode()</c> closes the innermost open node, and <see cref="Build"/> lays out
/// header, memory reservation block, structure block and strings block.
/// </summary>
/// <remarks>Not thread-safe. Every mistake (bad name, duplicate property, property after a child,
/// unbalanced nodes) throws at the call that makes it, naming the node path.</remarks>
public sealed class FdtBuilder
{
    private readonly BigEndianBuffer _structure = new();
    private readonly FdtStringTable _strings = new();
    private readonly List<FdtMemoryReservation> _reservations = [];
    private readonly Stack<OpenNode> _openNodes = new();
    private bool _rootClosed;
    private uint _lastPhandle;

    /// <summary>Opens a node: "" for the root, otherwise a child of the innermost open node.</summary>
    /// <exception cref="ArgumentException">The name breaks the devicetree naming rules or repeats a sibling's.</exception>
    /// <exception cref="InvalidOperationException">A second root, or a child opened outside any node.</exception>
    public FdtBuilder BeginNode(string name)
    {
        bool isRoot = _openNodes.Count == 0;
        if (isRoot && _rootClosed)
        {
            throw new InvalidOperationException(
                $"The tree already has a closed root node; cannot begin node \"{name}\" outside it.");
        }

        FdtNames.ValidateNodeName(name, isRoot);
        if (!isRoot)
        {
            OpenNode parent = _openNodes.Peek();
            if (!parent.ChildNames.Add(name))
            {
                throw new ArgumentException($"Node {parent.Path} already has a child named \"{name}\".", nameof(name));
            }

            parent.HasChildren = true;
        }

        string path = isRoot ? "/" : _openNodes.Peek().ChildPath(name);
        _openNodes.Push(new OpenNode(path));
        _structure.WriteU32(FdtFormat.TokenBeginNode);
        _structure.WriteBytes(Encoding.ASCII.GetBytes(name));
        _structure.WriteBytes([0]);
        _structure.PadTo(FdtFormat.StructureAlignment);
        return this;
    }

    /// <summary>Closes the innermost open node.</summary>
    /// <exception cref="InvalidOperationException">No node is open.</exception>
    public FdtBuilder EndNode()
    {
        if (_openNodes.Count == 0)
        {
            throw new InvalidOperationException("EndNode called with no open node.");
        }

        _openNodes.Pop();
        _rootClosed = _openNodes.Count == 0;
        _structure.WriteU32(FdtFormat.TokenEndNode);
        return this;
    }

    /// <summary>Adds a property with raw bytes as its value.</summary>
    /// <exception cref="ArgumentException">Bad or duplicate property name.</exception>
    /// <exception cref="InvalidOperationException">No open node, or the node already has children.</exception>
    public FdtBuilder Property(string name, ReadOnlySpan<byte> value)
    {
        FdtNames.ValidatePropertyName(name);
        if (_openNodes.Count == 0)
        {
            throw new InvalidOperationException($"Property \"{name}\" added outside any node.");
        }

        OpenNode node = _openNodes.Peek();
        if (node.HasChildren)
        {
            throw new InvalidOperationException(
                $"Property \"{name}\" added to {node.Path} after its child nodes; add properties first.");
        }

        if (!node.PropertyNames.Add(name))
        {
            throw new ArgumentException($"Node {node.Path} already has a property \"{name}\".", nameof(name));
        }

        _structure.WriteU32(FdtFormat.TokenProperty);
        _structure.WriteU32((uint)value.Length);
        _structure.WriteU32(_strings.GetOrAdd(name));
        _structure.WriteBytes(value);
        _structure.PadTo(FdtFormat.StructureAlignment);
        return this;
    }

    /// <summary>Adds a property with no value (a flag such as <c>interrupt-controller</c>).</summary>
    public FdtBuilder PropertyEmpty(string name) => Property(name, []);

    /// <summary>Adds a one-cell (big-endian u32) property.</summary>
    public FdtBuilder PropertyU32(string name, uint value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return Property(name, bytes);
    }

    /// <summary>Adds a two-cell (big-endian u64) property.</summary>
    public FdtBuilder PropertyU64(string name, ulong value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return Property(name, bytes);
    }

    /// <summary>Adds a list of big-endian u32 cells (<c>reg</c>, <c>interrupts</c>, ...).</summary>
    public FdtBuilder PropertyCells(string name, params ReadOnlySpan<uint> cells)
    {
        byte[] bytes = new byte[cells.Length * sizeof(uint)];
        for (int i = 0; i < cells.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * sizeof(uint)), cells[i]);
        }

        return Property(name, bytes);
    }

    /// <summary>Adds a NUL-terminated UTF-8 string property.</summary>
    /// <exception cref="ArgumentException">The value contains a NUL character.</exception>
    public FdtBuilder PropertyString(string name, string value) => PropertyStrings(name, value);

    /// <summary>Adds a string list: each value NUL-terminated, concatenated (e.g. <c>compatible</c>).</summary>
    /// <exception cref="ArgumentException">A value contains a NUL character.</exception>
    public FdtBuilder PropertyStrings(string name, params ReadOnlySpan<string> values)
    {
        var bytes = new BigEndianBuffer();
        foreach (string value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                // An embedded NUL would silently split the value into two strings for the reader.
                throw new ArgumentException($"The value of property \"{name}\" contains a NUL character.", nameof(values));
            }

            bytes.WriteBytes(Encoding.UTF8.GetBytes(value));
            bytes.WriteBytes([0]);
        }

        return Property(name, bytes.WrittenSpan);
    }

    /// <summary>Adds an entry to the memory reservation block (the <c>/memreserve/</c> of dts).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Size is zero or the range wraps past 2^64.</exception>
    public FdtBuilder AddMemoryReservation(ulong address, ulong size)
    {
        if (size == 0)
        {
            // A zero-sized entry would be indistinguishable from the block terminator at address 0.
            throw new ArgumentOutOfRangeException(nameof(size), "A memory reservation must not be empty.");
        }

        if (address > ulong.MaxValue - size + 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(size), $"Memory reservation 0x{address:x} + 0x{size:x} wraps past the end of the address space.");
        }

        _reservations.Add(new FdtMemoryReservation(address, size));
        return this;
    }

    /// <summary>Returns a fresh phandle: 1, 2, 3, ... (0 and 0xffffffff are reserved by the spec).</summary>
    public uint AllocatePhandle()
    {
        if (_lastPhandle == 0xFFFF_FFFE)
        {
            throw new InvalidOperationException("All phandle values are used.");
        }

        return ++_lastPhandle;
    }

    /// <summary>Lays out the blob. May be called more than once.</summary>
    /// <param name="bootCpuId">The <c>boot_cpuid_phys</c> header field.</param>
    /// <exception cref="InvalidOperationException">No root node, or nodes are still open.</exception>
    public byte[] Build(uint bootCpuId = 0)
    {
        if (_openNodes.Count != 0)
        {
            throw new InvalidOperationException(
                $"Unbalanced nodes: {_openNodes.Count} still open, innermost {_openNodes.Peek().Path}.");
        }

        if (!_rootClosed)
        {
            throw new InvalidOperationException("The tree has no root node; call BeginNode(\"\") first.");
        }

        int reservationOffset = FdtFormat.AlignUp(FdtFormat.HeaderSize, FdtFormat.MemoryReservationAlignment);
        int reservationSize = (_reservations.Count + 1) * FdtFormat.MemoryReservationEntrySize;
        int structureOffset = reservationOffset + reservationSize;
        int structureSize = _structure.Length + sizeof(uint); // + FDT_END
        int stringsOffset = structureOffset + structureSize;
        int stringsSize = _strings.Bytes.Length;
        int totalSize = stringsOffset + stringsSize;

        var blob = new BigEndianBuffer();
        blob.WriteU32(FdtFormat.Magic);
        blob.WriteU32((uint)totalSize);
        blob.WriteU32((uint)structureOffset);
        blob.WriteU32((uint)stringsOffset);
        blob.WriteU32((uint)reservationOffset);
        blob.WriteU32(FdtFormat.Version);
        blob.WriteU32(FdtFormat.LastCompatibleVersion);
        blob.WriteU32(bootCpuId);
        blob.WriteU32((uint)stringsSize);
        blob.WriteU32((uint)structureSize);
        blob.PadTo(FdtFormat.MemoryReservationAlignment);

        foreach (FdtMemoryReservation reservation in _reservations)
        {
            blob.WriteU64(reservation.Address);
            blob.WriteU64(reservation.Size);
        }

        blob.WriteU64(0);
        blob.WriteU64(0);

        blob.WriteBytes(_structure.WrittenSpan);
        blob.WriteU32(FdtFormat.TokenEnd);
        blob.WriteBytes(_strings.Bytes);
        return blob.WrittenSpan.ToArray();
    }

    /// <summary>Book-keeping for a node between its BeginNode and EndNode.</summary>
    private sealed class OpenNode(string path)
    {
        public string Path { get; } = path;

        public HashSet<string> PropertyNames { get; } = new(StringComparer.Ordinal);

        public HashSet<string> ChildNames { get; } = new(StringComparer.Ordinal);

        public bool HasChildren { get; set; }

        public string ChildPath(string childName) => Path == "/" ? "/" + childName : Path + "/" + childName;
    }
}
