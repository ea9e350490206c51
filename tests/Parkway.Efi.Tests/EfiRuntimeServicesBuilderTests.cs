using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Parkway.Efi.Tests;

/// <summary>
/// The runtime services image: the table decoded with offsets from the UEFI specification
/// (EFI_RUNTIME_SERVICES, 64-bit: header 0..23, then fourteen 8-byte pointers from GetTime at 24 to
/// QueryVariableInfo at 128), the code as binutils disassembles it, and GetTime itself executed.
/// </summary>
public class EfiRuntimeServicesBuilderTests
{
    private const ulong Base = 0x5ffe_0000;
    private const ulong Rtc = 0x0901_0000;

    private readonly EfiRuntimeServicesImage _image = EfiRuntimeServicesBuilder.Build(Base, Rtc);

    private ulong U64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(_image.Bytes.AsSpan(offset));

    private uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_image.Bytes.AsSpan(offset));

    [Fact]
    public void Table_header_is_runtserv_with_the_system_table_revision_and_a_valid_crc()
    {
        Assert.Equal("RUNTSERV", Encoding.ASCII.GetString(_image.Bytes, 0, 8));
        Assert.Equal(0x00020046u, U32(8));   // 2.70, as the system table
        Assert.Equal(136u, U32(12));         // HeaderSize: the whole 64-bit table
        Assert.Equal(0u, U32(20));           // Reserved

        byte[] table = _image.Bytes.AsSpan(0, 136).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(16), 0);
        Assert.Equal(Crc32.Compute(table), U32(16));
    }

    [Fact]
    public void GetTime_points_at_the_code_and_every_other_service_at_the_unsupported_routine()
    {
        Assert.Equal(Base, _image.TableAddress);
        Assert.Equal(Base + 256, U64(24));
        Assert.Equal(_image.GetTimeAddress, U64(24));
        for (int slot = 32; slot <= 128; slot += 8)
        {
            // SetTime, GetWakeupTime, SetWakeupTime, SetVirtualAddressMap, ConvertPointer, GetVariable,
            // GetNextVariableName, SetVariable, GetNextHighMonotonicCount, ResetSystem, UpdateCapsule,
            // QueryCapsuleCapabilities, QueryVariableInfo.
            Assert.Equal(_image.UnsupportedAddress, U64(slot));
        }

        Assert.InRange(_image.UnsupportedAddress, _image.GetTimeAddress + 4, _image.EndAddress - 4);
        Assert.Equal(0ul, _image.UnsupportedAddress % 4);
        Assert.All(_image.Bytes.AsSpan(136, 256 - 136).ToArray(), static b => Assert.Equal(0, b));
    }

    [Fact]
    public void Supported_services_are_get_time_and_set_time_the_bits_linux_registers_rtc_efi_for()
    {
        // include/linux/efi.h: EFI_RT_SUPPORTED_GET_TIME 0x1, EFI_RT_SUPPORTED_SET_TIME 0x2;
        // efisubsys_init registers "rtc-efi" when both (EFI_RT_SUPPORTED_TIME_SERVICES, 0x3) are set.
        Assert.Equal(0x3u, _image.SupportedServices);
    }

    [Fact]
    public void Code_is_a_stackless_leaf_that_leaves_x18_alone_and_reads_the_rtc()
    {
        string[] code = ToolRunner.Disassemble(_image.Bytes[256..]);

        Assert.DoesNotContain(code, static i => i.StartsWith(".inst", StringComparison.Ordinal) || i.Contains("undefined", StringComparison.Ordinal));
        // x18 is Linux's platform register (shadow call stack): __efi_rt_asm_wrapper checks it.
        Assert.DoesNotContain(code, static i => i.Contains("x18", StringComparison.Ordinal) || i.Contains("w18", StringComparison.Ordinal));
        // Linux gives runtime services its own small stack; this code needs none, and calls nothing.
        Assert.DoesNotContain(code, static i => i.Contains("sp", StringComparison.Ordinal) || i.StartsWith("bl", StringComparison.Ordinal));
        // Only AAPCS64 argument/result and scratch registers are written (x0, x1 as pointers; x9..x17).
        foreach (string instruction in code.Where(static i => !i.StartsWith("str", StringComparison.Ordinal) && !i.StartsWith("cbz", StringComparison.Ordinal)
            && !i.StartsWith("cmp", StringComparison.Ordinal) && i != "ret"))
        {
            string destination = instruction.Split('\t')[1].Split(',')[0];
            Assert.Contains(destination, (string[])["x0", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "w10"]);
        }

        Assert.Equal("cbz\tx0, 0x" + (_image.UnsupportedAddress - _image.GetTimeAddress - 12).ToString("x", CultureInfo.InvariantCulture), code[0]);
        Assert.Equal(["mov\tx9, #0x9010000", "ldr\tw10, [x9]"], code[1..3]);
        Assert.Equal(["mov\tx0, #0x3", "movk\tx0, #0x8000, lsl #48", "ret"], code[^3..]);
        Assert.Equal(3, code.Count(static i => i == "ret"));
    }

    [Fact]
    public void A_base_that_is_not_8_byte_aligned_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => EfiRuntimeServicesBuilder.Build(Base + 4, Rtc));
        Assert.Throws<ArgumentException>(() => EfiRuntimeServicesBuilder.Build(ulong.MaxValue - 7, Rtc));
    }
}
