using System.Runtime.InteropServices;

namespace Parkway.Interop;

/// <summary>lseek(2) with the sparse-file whences, to read only the data extents of a sparse file.</summary>
public static partial class Libc
{
    /// <summary>lseek(2) whence: the next offset at or after the given one that holds data.</summary>
    public const int SEEK_DATA = 3;

    /// <summary>lseek(2) whence: the next hole at or after the given offset (end of file counts as one).</summary>
    public const int SEEK_HOLE = 4;

    [LibraryImport(Library, EntryPoint = "lseek", SetLastError = true)]
    public static partial long Lseek(Microsoft.Win32.SafeHandles.SafeFileHandle fd, long offset, int whence);
}
