namespace Parkway.Acpi;

/// <summary>
/// A complete, linked set of ACPI tables laid out contiguously for one guest physical address:
/// copy <see cref="Image"/> to <see cref="BaseAddress"/> and hand <see cref="RsdpAddress"/> to
/// the guest (EFI configuration table, ACPI 2.0 GUID).
/// </summary>
public sealed class AcpiTableSet
{
    /// <summary>Creates a set from an image and its table directory.</summary>
    public AcpiTableSet(byte[] image, ulong baseAddress, ulong rsdpAddress, IReadOnlyList<AcpiTableEntry> tables)
    {
        Image = image;
        BaseAddress = baseAddress;
        RsdpAddress = rsdpAddress;
        Tables = tables;
    }

    /// <summary>All tables, each 8-byte aligned, with absolute pointers between them.</summary>
    public byte[] Image { get; }

    /// <summary>Guest physical address of <see cref="Image"/>'s first byte.</summary>
    public ulong BaseAddress { get; }

    /// <summary>Guest physical address of the RSDP.</summary>
    public ulong RsdpAddress { get; }

    /// <summary>The tables in image order.</summary>
    public IReadOnlyList<AcpiTableEntry> Tables { get; }

    /// <summary>The table with <paramref name="signature"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such table.</exception>
    public AcpiTableEntry this[string signature] =>
        Tables.FirstOrDefault(t => t.Signature == signature)
        ?? throw new KeyNotFoundException($"No {signature} table in the set.");

    /// <summary>
    /// Writes every table (RSDP included) to <c>&lt;signature lowercase&gt;.dat</c> in
    /// <paramref name="directory"/>, creating it if needed; the files are what <c>iasl -d</c> reads.
    /// </summary>
    /// <returns>The paths written.</returns>
    public IReadOnlyList<string> WriteFiles(string directory)
    {
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (var table in Tables)
        {
            var path = Path.Combine(directory, table.Signature.ToLowerInvariant() + ".dat");
            File.WriteAllBytes(path, table.Bytes);
            paths.Add(path);
        }

        return paths;
    }
}
