namespace Parkway.Qmp.Fuzz;

/// <summary>A property of the server the fuzzer checks did not hold for the current input.</summary>
internal sealed class FuzzPropertyException : Exception
{
    public FuzzPropertyException(string message)
        : base(message)
    {
    }

    public FuzzPropertyException()
    {
    }

    public FuzzPropertyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
