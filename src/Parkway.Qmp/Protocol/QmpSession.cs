namespace Parkway.Qmp.Protocol;

/// <summary>Per-connection protocol state shared by the reader (commands) and the event path.</summary>
internal sealed class QmpSession
{
    private volatile bool _negotiated;

    /// <summary>Command mode: <c>qmp_capabilities</c> succeeded; events are delivered from now on.</summary>
    public bool Negotiated
    {
        get => _negotiated;
        set => _negotiated = value;
    }
}
