using Parkway.Acpi.Arm64;
using System.Buffers.Binary;
using System.Text;

namespace Parkway.Acpi.Tests;

/// <summary>Little-endian field reads for asserting on table bytes.</summary>
internal static class TableReader
{
    public static byte U8(this byte[] b, int offset) => b[offset];

    public static ushort U16(this byte[] b, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(offset));

    public static uint U32(this byte[] b, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(offset));

    public static ulong U64(this byte[] b, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(offset));

    public static string Ascii(this byte[] b, int offset, int length) => Encoding.ASCII.GetString(b, offset, length);

    /// <summary>MADT subtables after the 44-byte fixed part: (type, offset, length).</summary>
    public static List<(byte Type, int Offset, int Length)> MadtSubtables(byte[] madt)
    {
        var result = new List<(byte, int, int)>();
        for (var offset = 44; offset < madt.Length; offset += madt[offset + 1])
        {
            Assert.True(madt[offset + 1] > 0, "zero-length MADT subtable");
            result.Add((madt[offset], offset, madt[offset + 1]));
        }

        return result;
    }
}
