namespace Parkway.Qmp.Protocol;

/// <summary>
/// One unit cut from a client's byte stream: either the bytes of one complete top-level JSON value,
/// or an input error to report (no id: it happened before a request could be read).
/// </summary>
/// <param name="Json">The value's bytes (UTF-8, single-quoted strings already rewritten), or null for an error.</param>
/// <param name="Error">QEMU's text for the error, or null.</param>
/// <param name="Fatal">The stream cannot be resynchronised: reply, then close the connection.</param>
internal readonly record struct QmpInputFrame(byte[]? Json, string? Error, bool Fatal = false)
{
    public static QmpInputFrame Value(byte[] json) => new(json, null);

    public static QmpInputFrame Failure(string error, bool fatal = false) => new(null, error, fatal);
}
