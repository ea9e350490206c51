namespace Parkway.Efi;

/// <summary>
/// EFI runtime services laid out for one guest-physical location: copy <see cref="Bytes"/> to
/// <see cref="BaseAddress"/> in guest RAM, inside an <see cref="EfiMemoryType.RuntimeServicesCode"/>
/// range marked <see cref="EfiMemoryAttributes.Runtime"/> and identity-mapped (VirtualStart =
/// PhysicalStart), and point EFI_SYSTEM_TABLE.RuntimeServices at <see cref="TableAddress"/>.
/// </summary>
/// <param name="Bytes">EFI_RUNTIME_SERVICES, then the code its pointers lead to.</param>
/// <param name="BaseAddress">Guest-physical address the pointers inside <paramref name="Bytes"/> assume.</param>
/// <param name="TableAddress">Guest-physical address of EFI_RUNTIME_SERVICES.</param>
/// <param name="GetTimeAddress">Guest-physical address of GetTime.</param>
/// <param name="UnsupportedAddress">Guest-physical address of the routine every other service points at.</param>
/// <param name="SupportedServices">EFI_RT_SUPPORTED_* bits for the RT properties table.</param>
public sealed record EfiRuntimeServicesImage(
    byte[] Bytes,
    ulong BaseAddress,
    ulong TableAddress,
    ulong GetTimeAddress,
    ulong UnsupportedAddress,
    uint SupportedServices)
{
    /// <summary>First guest-physical address after the image.</summary>
    public ulong EndAddress => BaseAddress + (ulong)Bytes.Length;
}
