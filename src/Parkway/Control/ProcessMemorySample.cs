using System.Globalization;

namespace Parkway.Control;

/// <summary>
/// The process's memory as the kernel and the .NET collector see it, for the metrics file: resident
/// set size (what an outside observer measures) beside the managed heap, so that RSS growth can be
/// told apart from managed objects piling up (docs/reliability.md, "The RSS question").
/// </summary>
/// <param name="RssBytes">Resident set size (<c>/proc/self/statm</c>), 0 when unreadable.</param>
/// <param name="GcHeapAfterLastCollectionBytes">Managed heap size right after the last collection (live objects then, plus fragmentation).</param>
/// <param name="GcHeapBytes">Managed bytes in use now, garbage not yet collected included.</param>
/// <param name="GcCommittedBytes">Memory the collector has committed from the OS.</param>
/// <param name="GcAllocatedBytes">Bytes allocated since start-up (a rate, not a level).</param>
/// <param name="Gen0Collections">Collections of generation 0 so far.</param>
/// <param name="Gen2Collections">Full collections so far.</param>
internal readonly record struct ProcessMemorySample(
    long RssBytes, long GcHeapAfterLastCollectionBytes, long GcHeapBytes, long GcCommittedBytes, long GcAllocatedBytes,
    int Gen0Collections, int Gen2Collections)
{
    /// <summary>
    /// Opens <c>/proc/self/statm</c> for repeated samples (null where there is none). Opened once:
    /// under the seccomp filters no thread may open a file, and a read from the start (lseek +
    /// read, which every thread's filter allows) gives the current figures each time.
    /// </summary>
    public static FileStream? OpenStatm()
    {
        try
        {
            return new FileStream("/proc/self/statm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Samples the current process; forces no collection (that would change what is measured).</summary>
    public static ProcessMemorySample Take(FileStream? statm)
    {
        GCMemoryInfo info = GC.GetGCMemoryInfo();
        return new ProcessMemorySample(
            ResidentBytes(statm), info.HeapSizeBytes, GC.GetTotalMemory(forceFullCollection: false), info.TotalCommittedBytes,
            GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), GC.CollectionCount(2));
    }

    /// <summary>Resident pages × page size from <c>/proc/self/statm</c> (second field), 0 where there is none.</summary>
    private static long ResidentBytes(FileStream? statm)
    {
        if (statm is null)
        {
            return 0;
        }

        try
        {
            Span<byte> buffer = stackalloc byte[256];
            statm.Seek(0, SeekOrigin.Begin);
            int length = statm.Read(buffer);
            string[] fields = System.Text.Encoding.ASCII.GetString(buffer[..length]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 1 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long pages)
                ? pages * Environment.SystemPageSize
                : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
