namespace Parkway.Qmp.Protocol;

/// <summary>
/// One unit cut from a client's byte stream: either the bytes of one complete top-level JSON value,
/// or an input error to report.
/// </summary>
/// <param name="Json">The value's bytes (UTF-8, single-quoted strings already rewritten), or null for an error.</param>
/// <param name="Error">QEMU's text for the error, or null.</param>
/// <param name="Fatal">The stream cannot be resynchronised: reply, then close the connection.</param>
/// <param name="Id">For an error: the raw JSON of the refused request's "id" when it was read, else null.</param>
internal readonly record struct QmpInputFrame(byte[]? Json, string? Error, bool Fatal = false, byte[]? Id = null)
{
    public static QmpInputFrame Value(byte[] json) => new(json, null);

    public static QmpInputFrame Failure(string error, bool fatal = false, byte[]? id = null) => new(null, error, fatal, id);

    /// <summary>
    /// The error's id as a JSON value to echo, or null when none was read, it is not valid JSON, or
    /// it holds a string with no Unicode value (an unpaired surrogate escape, which QEMU's parser
    /// refuses and which would fail when the reply is written).
    /// </summary>
    public System.Text.Json.JsonElement? ReadId()
    {
        if (Id is null)
        {
            return null;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(Id);
            // Checked only once the text has parsed: FindUnpaired expects well-formed escapes.
            return JsonSurrogateEscapes.FindUnpaired(Id) is null ? document.RootElement.Clone() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
