namespace Parkway.Efi;

/// <summary>
/// The EFI handoff tables laid out for one guest-physical location: copy <see cref="Bytes"/> to
/// <see cref="BaseAddress"/> in guest RAM (inside an <see cref="EfiMemoryType.AcpiReclaimMemory"/>
/// range) and point <c>linux,uefi-system-table</c> at <see cref="SystemTableAddress"/>.
/// </summary>
/// <param name="Bytes">System table, configuration table, RT properties table and vendor string.</param>
/// <param name="BaseAddress">Guest-physical address the pointers inside <paramref name="Bytes"/> assume.</param>
/// <param name="SystemTableAddress">Guest-physical address of EFI_SYSTEM_TABLE.</param>
public sealed record EfiSystemTableImage(byte[] Bytes, ulong BaseAddress, ulong SystemTableAddress)
{
    /// <summary>First guest-physical address after the image.</summary>
    public ulong EndAddress => BaseAddress + (ulong)Bytes.Length;
}
