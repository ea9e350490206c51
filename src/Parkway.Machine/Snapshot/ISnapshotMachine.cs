namespace Parkway.Machine.Snapshot;

/// <summary>A machine that can write itself to a snapshot file (docs/snapshot.md).</summary>
public interface ISnapshotMachine
{
    /// <summary>
    /// Writes the paused machine to <paramref name="path"/>: every CPU slot (parked ones too), the
    /// interrupt controller, the devices and guest memory. Refused with
    /// <see cref="MachineRequestException"/> when the machine is running or has a device that cannot
    /// be saved yet.
    /// </summary>
    SnapshotSaveResult SaveSnapshot(string path);
}

/// <summary>What a save wrote.</summary>
/// <param name="FileBytes">The file's apparent length (memory image included, holes and all).</param>
/// <param name="MemoryBytesWritten">Bytes of guest memory actually written (non-zero pages).</param>
/// <param name="MemorySize">Bytes of guest memory.</param>
/// <param name="PageSize">The page granularity of the memory image.</param>
public sealed record SnapshotSaveResult(long FileBytes, long MemoryBytesWritten, ulong MemorySize, int PageSize);
