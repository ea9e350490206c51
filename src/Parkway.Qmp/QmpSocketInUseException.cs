namespace Parkway.Qmp;

/// <summary>
/// The QMP socket path cannot be used: it exists and is not a stale socket (a regular file, a
/// directory, a symlink, or a socket another process is listening on).
/// </summary>
public sealed class QmpSocketInUseException : IOException
{
    /// <summary>The path is in use; <paramref name="message"/> names it and why.</summary>
    public QmpSocketInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Default text.</summary>
    public QmpSocketInUseException()
        : base("QMP socket path is in use")
    {
    }

    /// <summary>Wraps the failure that revealed the conflict.</summary>
    public QmpSocketInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
