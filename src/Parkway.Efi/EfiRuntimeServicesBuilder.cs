using System.Buffers.Binary;

namespace Parkway.Efi;

/// <summary>
/// Builds Parkway's EFI runtime services: an EFI_RUNTIME_SERVICES table whose GetTime reads the
/// machine's PL031 (<see cref="EfiRuntimeCode"/>) and whose other entries return EFI_UNSUPPORTED.
/// It is what gives an ACPI-booted Linux its date: there, the kernel's rtc-efi driver is the only
/// way to the RTC (its ACPI AMBA binding knows no PL031).
/// </summary>
/// <remarks>
/// Image layout (offsets from the base address; pointers absolute):
/// <code>
///   0  EFI_RUNTIME_SERVICES (136 bytes)
/// 256  code: GetTime, then the EFI_UNSUPPORTED routine
/// </code>
/// EFI_RUNTIME_SERVICES for a 64-bit machine (UEFI 2.10, 4.5): EFI_TABLE_HEADER {u64 Signature
/// "RUNTSERV", u32 Revision, u32 HeaderSize 136, u32 CRC32, u32 Reserved} at 0, then one 8-byte
/// function pointer each: GetTime 24, SetTime 32, GetWakeupTime 40, SetWakeupTime 48,
/// SetVirtualAddressMap 56, ConvertPointer 64, GetVariable 72, GetNextVariableName 80,
/// SetVariable 88, GetNextHighMonotonicCount 96, ResetSystem 104, UpdateCapsule 112,
/// QueryCapsuleCapabilities 120, QueryVariableInfo 128.
/// <para>
/// Supported (RT properties table): GetTime and SetTime. Linux 6.12 registers rtc-efi only when
/// both time bits are set (<c>EFI_RT_SUPPORTED_TIME_SERVICES</c> is 0x3); SetTime still answers
/// EFI_UNSUPPORTED, so the guest's <c>hwclock --systohc</c> fails rather than changing the host's
/// clock view. Linux calls nothing whose bit is clear (variables, ResetSystem, capsules, wake-up).
/// </para>
/// </remarks>
public static class EfiRuntimeServicesBuilder
{
    /// <summary>EFI_RUNTIME_SERVICES_SIGNATURE, "RUNTSERV" read as a little-endian u64.</summary>
    public const ulong Signature = 0x5652_4553_544E_5552;

    /// <summary>Size of EFI_RUNTIME_SERVICES for 64-bit UEFI; also its header's HeaderSize.</summary>
    public const int TableSize = 136;

    /// <summary>Where the code starts in the image.</summary>
    public const int CodeOffset = 256;

    /// <summary>EFI_RT_SUPPORTED_GET_TIME.</summary>
    public const uint SupportedGetTime = 0x1;

    /// <summary>EFI_RT_SUPPORTED_SET_TIME.</summary>
    public const uint SupportedSetTime = 0x2;

    private const int GetTimeSlot = 24;
    private const int FirstServiceSlot = 24;
    private const int CrcOffset = 16;
    private const int Alignment = 8;

    /// <summary>Lays out the services for guest-physical address <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">Where the image will be copied in guest RAM; 8-byte aligned.</param>
    /// <param name="rtcDataRegister">Guest-physical address of the PL031's data register (RTCDR).</param>
    /// <exception cref="ArgumentException">Misaligned base, or an image past 2^64.</exception>
    public static EfiRuntimeServicesImage Build(ulong baseAddress, ulong rtcDataRegister)
    {
        if (baseAddress % Alignment != 0)
        {
            throw new ArgumentException($"Base address 0x{baseAddress:x} is not 8-byte aligned.", nameof(baseAddress));
        }

        A64Assembler assembler = EfiRuntimeCode.Emit(new A64Assembler(), rtcDataRegister);
        byte[] code = assembler.Assemble();
        int imageSize = CodeOffset + code.Length;
        if (baseAddress > ulong.MaxValue - (ulong)imageSize + 1)
        {
            throw new ArgumentException($"An image of {imageSize} bytes at 0x{baseAddress:x} wraps past 2^64.", nameof(baseAddress));
        }

        ulong getTime = baseAddress + CodeOffset + (ulong)assembler.LabelOffset(EfiRuntimeCode.GetTimeLabel);
        ulong unsupported = baseAddress + CodeOffset + (ulong)assembler.LabelOffset(EfiRuntimeCode.UnsupportedLabel);

        byte[] image = new byte[imageSize];
        Span<byte> table = image.AsSpan(0, TableSize);
        BinaryPrimitives.WriteUInt64LittleEndian(table[0..], Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(table[8..], EfiSystemTableBuilder.Revision);
        BinaryPrimitives.WriteUInt32LittleEndian(table[12..], TableSize);
        for (int slot = FirstServiceSlot; slot < TableSize; slot += sizeof(ulong))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(table[slot..], slot == GetTimeSlot ? getTime : unsupported);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(table[CrcOffset..], Crc32.Compute(table));
        code.CopyTo(image.AsSpan(CodeOffset));
        return new EfiRuntimeServicesImage(image, baseAddress, baseAddress, getTime, unsupported, SupportedGetTime | SupportedSetTime);
    }
}
