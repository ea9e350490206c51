using System.Text;

namespace Parkway.Machine.Snapshot;

/// <summary>
/// The snapshot sections' shared encodings (docs/snapshot.md): a list is a 32-bit count and its
/// items, a string a 32-bit byte count and UTF-8, an optional value a presence byte and the value.
/// Every count read is bounded, so a corrupt file cannot make the reader allocate wildly.
/// </summary>
internal static class SnapshotBinary
{
    /// <summary>Writes a count and each item.</summary>
    public static void WriteList<T>(this BinaryWriter w, IReadOnlyCollection<T> items, Action<BinaryWriter, T> writeItem)
    {
        w.Write(items.Count);
        foreach (T item in items)
        {
            writeItem(w, item);
        }
    }

    /// <summary>Reads a count (at most <paramref name="max"/>) and that many items.</summary>
    public static List<T> ReadList<T>(this BinaryReader r, int max, Func<BinaryReader, T> readItem)
    {
        int count = r.ReadCount(max);
        var items = new List<T>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(readItem(r));
        }

        return items;
    }

    /// <summary>A presence byte, then the value if there is one.</summary>
    public static void WriteOptional<T>(this BinaryWriter w, T? value, Action<BinaryWriter, T> writeValue)
        where T : struct
    {
        w.Write(value.HasValue);
        if (value is { } present)
        {
            writeValue(w, present);
        }
    }

    /// <summary>Reads what <see cref="WriteOptional{T}"/> wrote.</summary>
    public static T? ReadOptional<T>(this BinaryReader r, Func<BinaryReader, T> readValue)
        where T : struct => r.ReadBoolean() ? readValue(r) : null;

    /// <summary>A 32-bit count in [0, <paramref name="max"/>]; anything else is a corrupt snapshot.</summary>
    public static int ReadCount(this BinaryReader r, int max)
    {
        int count = r.ReadInt32();
        return count >= 0 && count <= max ? count : throw new SnapshotFormatException($"corrupt snapshot (a count of {count}, at most {max} expected)");
    }

    /// <summary>Exactly <paramref name="length"/> bytes, or the section ended too early.</summary>
    public static byte[] ReadBytesExactly(this BinaryReader r, int length)
    {
        byte[] bytes = r.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new EndOfStreamException("section ends inside a value");
    }

    /// <summary>A 32-bit byte count and the UTF-8 bytes (BinaryReader's own ReadString uses another length encoding).</summary>
    public static void WriteText(this BinaryWriter w, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    /// <summary>Reads a string of at most 1 MiB; invalid UTF-8 is a corrupt snapshot.</summary>
    public static string ReadText(this BinaryReader r) =>
        new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(r.ReadBytesExactly(r.ReadCount(1 << 20)));

    public static void WriteOptionalText(this BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.WriteText(value);
        }
    }

    public static string? ReadOptionalText(this BinaryReader r) => r.ReadBoolean() ? r.ReadText() : null;
}
