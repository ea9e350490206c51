using System.Text;

namespace Parkway.Fdt;

/// <summary>
/// The DTB strings block: every property name stored once, NUL-terminated, addressed by its byte
/// offset. Deduplication keeps blobs small when hundreds of cpu nodes repeat the same names.
/// </summary>
internal sealed class FdtStringTable
{
    private readonly Dictionary<string, uint> _offsets = new(StringComparer.Ordinal);
    private readonly BigEndianBuffer _bytes = new();

    public ReadOnlySpan<byte> Bytes => _bytes.WrittenSpan;

    /// <summary>Returns the offset of <paramref name="name"/>, appending it the first time it is seen.</summary>
    public uint GetOrAdd(string name)
    {
        if (_offsets.TryGetValue(name, out uint offset))
        {
            return offset;
        }

        offset = (uint)_bytes.Length;
        // Property names are validated to be ASCII, so one char is one byte.
        _bytes.WriteBytes(Encoding.ASCII.GetBytes(name));
        _bytes.WriteBytes([0]);
        _offsets.Add(name, offset);
        return offset;
    }
}
