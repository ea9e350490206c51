namespace Parkway.Qmp;

/// <summary>
/// A QMP error reply: <c>{"error": {"class": ErrorClass, "desc": Message}}</c>. Thrown by an
/// <see cref="IQmpMachine"/> to refuse a command, and by <see cref="QmpClient"/> when the server refuses.
/// </summary>
public sealed class QmpErrorException : Exception
{
    /// <summary>An error of class <paramref name="errorClass"/> with QEMU's text <paramref name="description"/>.</summary>
    public QmpErrorException(string errorClass, string description)
        : base(description)
    {
        ErrorClass = errorClass;
    }

    /// <summary>A <c>GenericError</c> with a default text.</summary>
    public QmpErrorException()
        : this(QmpErrorClass.GenericError, "QMP command failed")
    {
    }

    /// <summary>A <c>GenericError</c>.</summary>
    public QmpErrorException(string description)
        : this(QmpErrorClass.GenericError, description)
    {
    }

    /// <summary>A <c>GenericError</c> caused by <paramref name="innerException"/>.</summary>
    public QmpErrorException(string description, Exception innerException)
        : base(description, innerException)
    {
        ErrorClass = QmpErrorClass.GenericError;
    }

    /// <summary>The wire class, one of <see cref="QmpErrorClass"/>.</summary>
    public string ErrorClass { get; }

    /// <summary>The human-readable <c>desc</c> (same as <see cref="Exception.Message"/>).</summary>
    public string Description => Message;

    /// <summary>A <c>GenericError</c>.</summary>
    public static QmpErrorException GenericError(string description) => new(QmpErrorClass.GenericError, description);

    /// <summary>A <c>DeviceNotFound</c> (QEMU: <c>Device 'x' not found</c>).</summary>
    public static QmpErrorException DeviceNotFound(string description) => new(QmpErrorClass.DeviceNotFound, description);

    /// <summary>A <c>CommandNotFound</c>.</summary>
    public static QmpErrorException CommandNotFound(string description) => new(QmpErrorClass.CommandNotFound, description);

    /// <summary>A <c>KVMMissingCap</c>.</summary>
    public static QmpErrorException KvmMissingCap(string description) => new(QmpErrorClass.KvmMissingCap, description);
}
