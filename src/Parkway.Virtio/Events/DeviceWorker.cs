using Parkway.Interop;
using Parkway.Threading;

namespace Parkway.Virtio.Events;

/// <summary>
/// The thread that does one device's work. It sleeps in poll(2) on the device's eventfds (one per
/// queue, written by KVM when the guest kicks that queue, plus any the device adds) and a stop
/// eventfd; on a wake-up it drains each signalled eventfd and runs its handler. Every handler
/// runs once at start, so work posted before activation (or before a restore) is not stranded.
/// A vCPU thread therefore never parses a queue or touches a backend file.
/// </summary>
public sealed unsafe class DeviceWorker : IDisposable
{
    private readonly string _name;
    private readonly WorkSource[] _sources;
    private readonly Action<Exception> _onFailure;
    private readonly DynamicWorkSources? _dynamic;
    private readonly EventFd _stop = EventFd.Create();
    private Thread? _thread;

    /// <summary>Creates (but does not start) the worker.</summary>
    /// <param name="name">Thread name (Linux shows up to 15 characters).</param>
    /// <param name="sources">Eventfds with their handlers.</param>
    /// <param name="onFailure">Called on the worker thread when a handler throws; the worker then stops.</param>
    /// <param name="dynamicSources">Descriptors the device adds and removes at run time (null: none).</param>
    public DeviceWorker(string name, IEnumerable<WorkSource> sources, Action<Exception> onFailure, DynamicWorkSources? dynamicSources = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(onFailure);
        _name = name;
        _sources = [.. sources];
        _onFailure = onFailure;
        _dynamic = dynamicSources;
    }

    /// <summary>Starts the thread.</summary>
    public void Start()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("the worker was already started");
        }

        _thread = new Thread(Run) { Name = _name, IsBackground = true };
        ThreadConfinement.Start(_thread); // not under the filter of the (vCPU) thread that activated the device
    }

    /// <summary>Asks the thread to stop and waits for it (unless called from the worker itself).</summary>
    public void Stop()
    {
        _stop.Signal();
        if (_thread is not null && _thread != Thread.CurrentThread)
        {
            _thread.Join();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private void Run()
    {
        try
        {
            ThreadConfinement.Enter(ThreadKind.Device);
            foreach (WorkSource source in _sources)
            {
                source.Handler();
            }

            Loop();
        }
#pragma warning disable CA1031 // The worker must report any failure instead of killing the VMM process.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _onFailure(e);
        }
    }

    private void Loop()
    {
        int fixedCount = _sources.Length + 1;
        PollFd[] fds = new PollFd[fixedCount];
        bool added = false;
        int addedSources = 0;
        // A source whose fd hung up or failed (a deleted tap, a closed peer) would make every
        // poll return at once; it is dropped from the wait set for good instead.
        bool[] closed = new bool[_sources.Length];
        try
        {
            // The handles stay referenced while the worker polls their raw numbers.
            _stop.Handle.DangerousAddRef(ref added);
            foreach (WorkSource source in _sources)
            {
                bool sourceAdded = false;
                source.Handle.DangerousAddRef(ref sourceAdded);
                addedSources += sourceAdded ? 1 : 0;
            }

            while (true)
            {
                DynamicWorkSource[] dynamic = _dynamic?.Snapshot() ?? [];
                if (fds.Length < fixedCount + dynamic.Length)
                {
                    fds = new PollFd[fixedCount + dynamic.Length];
                }

                fds[0] = new PollFd { Fd = _stop.Handle.Number, Events = Libc.POLLIN };
                for (int i = 0; i < _sources.Length; i++)
                {
                    // A negative fd is ignored by poll(2): the source sits this wait out.
                    bool wanted = !closed[i] && (_sources[i].Wanted?.Invoke() ?? true);
                    fds[i + 1] = new PollFd { Fd = wanted ? _sources[i].Handle.Number : -1, Events = Libc.POLLIN };
                }

                for (int i = 0; i < dynamic.Length; i++)
                {
                    short interest = dynamic[i].Interest();
                    fds[fixedCount + i] = new PollFd { Fd = interest < 0 ? -1 : dynamic[i].Fd, Events = Math.Max(interest, (short)0) };
                }

                int timeout = _dynamic?.TimeoutMilliseconds() ?? -1;
                int ready;
                fixed (PollFd* pointer = fds)
                {
                    // SAFETY: pointer covers the fixedCount + dynamic.Length entries filled above, pinned for the call.
                    ready = Libc.Poll(pointer, (nuint)(fixedCount + dynamic.Length), timeout);
                }

                if (ready < 0)
                {
                    int errno = Errno.Last;
                    if (errno == Errno.EINTR)
                    {
                        continue;
                    }

                    throw new KvmException("poll", errno, $"{_name}: poll failed: {Errno.Describe(errno)}");
                }

                if (fds[0].ReturnedEvents != 0)
                {
                    return;
                }

                for (int i = 0; i < _sources.Length; i++)
                {
                    WorkSource source = _sources[i];
                    short events = fds[i + 1].ReturnedEvents;
                    if (events != 0 && (source.EventToDrain?.TryConsume() ?? true))
                    {
                        source.Handler();
                    }

                    closed[i] |= (events & (Libc.POLLHUP | Libc.POLLERR | Libc.POLLNVAL)) != 0;
                }

                for (int i = 0; i < dynamic.Length; i++)
                {
                    // A handler earlier in this round may have removed (and closed) this source.
                    short events = fds[fixedCount + i].ReturnedEvents;
                    if (events != 0 && !dynamic[i].Removed)
                    {
                        dynamic[i].Handler(events);
                    }
                }

                _dynamic?.AfterWake();
            }
        }
        finally
        {
            for (int i = 0; i < addedSources; i++)
            {
                _sources[i].Handle.DangerousRelease();
            }

            if (added)
            {
                _stop.Handle.DangerousRelease();
            }
        }
    }
}
