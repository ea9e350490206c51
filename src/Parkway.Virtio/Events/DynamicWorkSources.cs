namespace Parkway.Virtio.Events;

/// <summary>
/// A device's descriptors that come and go while its worker runs (vsock: the listening socket and
/// one stream per connection). The worker reads the set before every wait, so a source added by a
/// handler is polled from the next wait on, and a removed one is neither polled nor run again.
/// <para>Contract: sources are added, removed and their descriptors closed only on the worker
/// thread (inside a handler or <see cref="AfterWake"/>) or while the worker is stopped. The worker
/// polls raw descriptor numbers without holding references, so a descriptor closed from another
/// thread while the worker waits could be reused under it.</para>
/// </summary>
public sealed class DynamicWorkSources
{
    private readonly List<DynamicWorkSource> _sources = [];

    /// <summary>Creates an empty set.</summary>
    /// <param name="timeoutMilliseconds">Asked before every wait: how long the worker may sleep (-1: until something happens). Lets a device keep deadlines without a timer fd.</param>
    /// <param name="afterWake">Runs on the worker after every wake-up (descriptors, queue kicks or the timeout), after the handlers.</param>
    public DynamicWorkSources(Func<int>? timeoutMilliseconds = null, Action? afterWake = null)
    {
        TimeoutMilliseconds = timeoutMilliseconds ?? (static () => -1);
        AfterWake = afterWake ?? (static () => { });
    }

    /// <summary>How long the next wait may last, in milliseconds (-1: no limit).</summary>
    public Func<int> TimeoutMilliseconds { get; }

    /// <summary>Runs after every wake-up.</summary>
    public Action AfterWake { get; }

    /// <summary>Number of sources in the set.</summary>
    public int Count => _sources.Count;

    /// <summary>Adds a source; it is polled from the next wait.</summary>
    public void Add(DynamicWorkSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Removed)
        {
            throw new InvalidOperationException("a removed source cannot be added again");
        }

        _sources.Add(source);
    }

    /// <summary>Removes a source: it is not polled or run again (the caller closes its descriptor).</summary>
    public void Remove(DynamicWorkSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        source.Removed = true;
        _sources.Remove(source);
    }

    /// <summary>Removes every source.</summary>
    public void Clear()
    {
        foreach (DynamicWorkSource source in _sources)
        {
            source.Removed = true;
        }

        _sources.Clear();
    }

    /// <summary>The sources as they are now (the worker's view for one wait).</summary>
    internal DynamicWorkSource[] Snapshot() => [.. _sources];
}

/// <summary>One descriptor of a <see cref="DynamicWorkSources"/> set.</summary>
/// <param name="fd">The raw descriptor number (owned by the device; see the set's contract).</param>
/// <param name="interest">Asked before every wait: the poll(2) events wanted (POLLIN, POLLOUT; 0 still reports hang-up and errors), or a negative value to leave the descriptor out of that wait.</param>
/// <param name="handler">Runs on the worker with the returned events when any were reported.</param>
public sealed class DynamicWorkSource(int fd, Func<short> interest, Action<short> handler)
{
    /// <summary>POLLOUT (Parkway.Interop defines only the input-side bits); checked against poll.h.</summary>
    public const short PollOut = 0x4;

    /// <summary>The descriptor number.</summary>
    public int Fd { get; } = fd;

    /// <summary>Events wanted for the next wait (negative: sit it out).</summary>
    public Func<short> Interest { get; } = interest ?? throw new ArgumentNullException(nameof(interest));

    /// <summary>Runs with the reported events.</summary>
    public Action<short> Handler { get; } = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <summary>True once removed from its set.</summary>
    public bool Removed { get; internal set; }
}
