namespace Parkway.Qmp;

/// <summary>
/// How many requests the server answered and how many of those were errors, over all connections
/// since it started (for the VMM's metrics). Input the server could not read as a request (bad
/// JSON, a value over a limit) counts as a request answered with an error.
/// </summary>
public sealed class QmpRequestCounters
{
    private long _requests;
    private long _errors;

    /// <summary>Requests answered.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests answered with an error (any class).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    internal void Count(bool error)
    {
        Interlocked.Increment(ref _requests);
        if (error)
        {
            Interlocked.Increment(ref _errors);
        }
    }
}
