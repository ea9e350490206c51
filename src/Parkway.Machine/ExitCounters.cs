namespace Parkway.Machine;

/// <summary>
/// Counts guest exits by kind, from day one, so every performance question starts from numbers.
/// Incremented on vCPU threads with interlocked adds (no locks on the exit path).
/// </summary>
public sealed class ExitCounters
{
    private long _mmio, _unhandledMmio, _portIo, _unhandledPortIo, _hypercall, _systemEvent, _interrupted, _other;

    /// <summary>MMIO exits.</summary>
    public long Mmio => Interlocked.Read(ref _mmio);

    /// <summary>MMIO exits to addresses where no device lives.</summary>
    public long UnhandledMmio => Interlocked.Read(ref _unhandledMmio);

    /// <summary>Port I/O exits (x86).</summary>
    public long PortIo => Interlocked.Read(ref _portIo);

    /// <summary>Port I/O exits to ports where no device lives.</summary>
    public long UnhandledPortIo => Interlocked.Read(ref _unhandledPortIo);

    /// <summary>Hypercall (forwarded SMCCC) exits.</summary>
    public long Hypercall => Interlocked.Read(ref _hypercall);

    /// <summary>System event exits.</summary>
    public long SystemEvent => Interlocked.Read(ref _systemEvent);

    /// <summary>KVM_RUN returns caused by kicks.</summary>
    public long Interrupted => Interlocked.Read(ref _interrupted);

    /// <summary>Any other exit.</summary>
    public long Other => Interlocked.Read(ref _other);

    internal void CountMmio(bool handled)
    {
        Interlocked.Increment(ref _mmio);
        if (!handled)
        {
            Interlocked.Increment(ref _unhandledMmio);
        }
    }

    internal void CountPortIo(bool handled)
    {
        Interlocked.Increment(ref _portIo);
        if (!handled)
        {
            Interlocked.Increment(ref _unhandledPortIo);
        }
    }

    internal void CountHypercall() => Interlocked.Increment(ref _hypercall);

    internal void CountSystemEvent() => Interlocked.Increment(ref _systemEvent);

    internal void CountInterrupted() => Interlocked.Increment(ref _interrupted);

    internal void CountOther() => Interlocked.Increment(ref _other);

    /// <inheritdoc />
    public override string ToString() =>
        $"mmio={Mmio} (unhandled {UnhandledMmio}) port-io={PortIo} (unhandled {UnhandledPortIo}) hypercall={Hypercall} system-event={SystemEvent} interrupted={Interrupted} other={Other}";
}
