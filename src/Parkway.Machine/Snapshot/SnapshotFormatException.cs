namespace Parkway.Machine.Snapshot;

/// <summary>
/// A snapshot file that cannot be used: not a Parkway snapshot, another format version, truncated,
/// or failing a checksum. The message is one line naming the file's problem; nothing was started.
/// </summary>
public sealed class SnapshotFormatException : Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    public SnapshotFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a user-facing message and the underlying cause.</summary>
    public SnapshotFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public SnapshotFormatException()
    {
    }
}
