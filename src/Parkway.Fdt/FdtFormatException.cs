namespace Parkway.Fdt;

/// <summary>
/// Thrown when a DTB blob is malformed (bad magic, unsupported version, offsets or sizes outside the
/// blob, unterminated strings, unknown structure tokens, unbalanced nodes), or when a property value
/// does not have the shape a typed accessor asked for.
/// </summary>
public sealed class FdtFormatException : FormatException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public FdtFormatException()
        : base("Malformed flattened device tree.")
    {
    }

    /// <summary>Creates the exception with a message saying what is wrong and where.</summary>
    public FdtFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the error that revealed the problem.</summary>
    public FdtFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
