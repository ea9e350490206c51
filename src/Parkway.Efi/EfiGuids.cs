namespace Parkway.Efi;

/// <summary>
/// GUIDs of the EFI configuration tables we publish, and helpers to write a GUID in EFI byte order
/// (EFI_GUID is <c>{u32, u16, u16, u8[8]}</c> in little-endian memory: the first three fields are
/// byte-swapped relative to the text form, the last eight bytes are not).
/// </summary>
public static class EfiGuids
{
    /// <summary>Size of an EFI_GUID in bytes.</summary>
    public const int Size = 16;

    /// <summary>EFI_ACPI_20_TABLE_GUID: the configuration table entry pointing at the ACPI 2.0+ RSDP.</summary>
    public static readonly Guid Acpi20Table = new("8868e871-e4f1-11d3-bc22-0080c73c8881");

    /// <summary>EFI_RT_PROPERTIES_TABLE_GUID: declares which runtime services the firmware supports.</summary>
    public static readonly Guid RtPropertiesTable = new("eb66918a-7eef-402a-842e-931d21c38ae9");

    /// <summary>Writes <paramref name="guid"/> in EFI byte order into the first 16 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than 16 bytes.</exception>
    public static void Write(Guid guid, Span<byte> destination)
    {
        // .NET's little-endian GUID layout is exactly EFI_GUID's: Data1..Data3 little-endian, Data4 as is.
        if (!guid.TryWriteBytes(destination, bigEndian: false, out _))
        {
            throw new ArgumentException($"A GUID needs {Size} bytes; the destination has {destination.Length}.", nameof(destination));
        }
    }

    /// <summary>Parses the text form ("8868e871-e4f1-11d3-...") and writes it in EFI byte order.</summary>
    /// <exception cref="FormatException">The text is not a GUID.</exception>
    public static void Write(string guid, Span<byte> destination) => Write(Guid.Parse(guid), destination);

    /// <summary>The 16 bytes of <paramref name="guid"/> in EFI byte order.</summary>
    public static byte[] ToEfiBytes(Guid guid)
    {
        byte[] bytes = new byte[Size];
        Write(guid, bytes);
        return bytes;
    }
}
