using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Parkway.Qmp.Server;

/// <summary>
/// lstat-like facts about a path via <c>statx(2)</c>, whose struct layout (unlike <c>struct stat</c>)
/// is the same on x86_64 and arm64. .NET has no API that tells a Unix socket from a regular file,
/// and deleting a user's file because it looked like a stale socket is not acceptable.
/// </summary>
internal static partial class FileStatus
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;
    private const int ModeOffset = 28;
    private const int InodeOffset = 32;
    private const int DeviceMajorOffset = 136;
    private const int DeviceMinorOffset = 140;
    private const int FileTypeMask = 0xF000; // S_IFMT
    private const int SocketType = 0xC000;   // S_IFSOCK

    /// <summary>What kind of file is at <paramref name="path"/> (symlinks not followed), or null if nothing is there.</summary>
    public static Identity? Get(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxIno, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            const int Enoent = 2;
            return errno == Enoent
                ? null
                : throw new IOException($"cannot inspect {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        int mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer[ModeOffset..]);
        return new Identity(
            IsSocket: (mode & FileTypeMask) == SocketType,
            Inode: BinaryPrimitives.ReadUInt64LittleEndian(buffer[InodeOffset..]),
            DeviceMajor: BinaryPrimitives.ReadUInt32LittleEndian(buffer[DeviceMajorOffset..]),
            DeviceMinor: BinaryPrimitives.ReadUInt32LittleEndian(buffer[DeviceMinorOffset..]));
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    /// <summary>Type and identity of a file; the identity tells our socket from one that replaced it.</summary>
    internal readonly record struct Identity(bool IsSocket, ulong Inode, uint DeviceMajor, uint DeviceMinor)
    {
        public bool SameFileAs(Identity other) =>
            Inode == other.Inode && DeviceMajor == other.DeviceMajor && DeviceMinor == other.DeviceMinor;
    }
}
