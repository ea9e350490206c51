using System.Collections.Concurrent;

namespace Parkway.Threading;

/// <summary>
/// The one place where Parkway's own threads get confined: each vCPU and device thread calls
/// <see cref="Enter"/> once it is set up, and device threads are started through <see cref="Start"/>.
/// Without a confiner (tests, <c>--seccomp off</c>) both do nothing special.
/// Why <see cref="Start"/>: a thread inherits its creator's filter (the kernel copies it at clone),
/// and device workers are started by the vCPU thread whose register write activated the device. A
/// confined thread therefore hands thread starts to a launcher thread that carries only the
/// process-wide filter, so a device worker gets the device filter and not the vCPU one on top.
/// </summary>
public static class ThreadConfinement
{
    private static IThreadConfiner? s_confiner;
    private static BlockingCollection<PendingStart>? s_launches;

    [ThreadStatic]
    private static bool t_confined;

    /// <summary>
    /// Sets the confiner for every thread started from now on and starts the launcher thread (from
    /// the caller, which must carry no per-kind filter: the launcher inherits the caller's). Once per process.
    /// </summary>
    public static void Install(IThreadConfiner confiner)
    {
        ArgumentNullException.ThrowIfNull(confiner);
        if (s_confiner is not null)
        {
            throw new InvalidOperationException("thread confinement is already installed");
        }

        var launches = new BlockingCollection<PendingStart>();
        new Thread(() => Launch(launches)) { Name = "thread-launcher", IsBackground = true }.Start();
        s_launches = launches;
        s_confiner = confiner;
    }

    /// <summary>Confines the calling thread as <paramref name="kind"/> (nothing when no confiner is installed).</summary>
    public static void Enter(ThreadKind kind)
    {
        if (s_confiner is { } confiner && !t_confined)
        {
            confiner.Confine(kind);
            t_confined = true;
        }
    }

    /// <summary>
    /// Starts <paramref name="thread"/>; from a confined thread the start is done by the launcher
    /// thread, and this waits until it has happened (a thread start takes microseconds).
    /// </summary>
    public static void Start(Thread thread) => Start(thread, viaLauncher: t_confined);

    /// <summary>
    /// Starts <paramref name="thread"/> from the launcher whenever confinement is installed, so it
    /// carries the process filter only: for work that needs a call only that filter allows (a
    /// snapshot creating its file), started from a thread that may have inherited a per-kind filter
    /// unknowingly (a thread-pool worker created by a vCPU thread is such a thread).
    /// </summary>
    public static void StartWithProcessFilterOnly(Thread thread) => Start(thread, viaLauncher: true);

    private static void Start(Thread thread, bool viaLauncher)
    {
        ArgumentNullException.ThrowIfNull(thread);
        if (!viaLauncher || s_launches is not { } launches)
        {
            thread.Start();
            return;
        }

        var pending = new PendingStart(thread);
        launches.Add(pending);
        pending.WaitDone();
        if (pending.Failure is { } failure)
        {
            throw new InvalidOperationException($"starting thread {thread.Name} failed: {failure.Message}", failure);
        }
    }

    private static void Launch(BlockingCollection<PendingStart> launches)
    {
        foreach (PendingStart pending in launches.GetConsumingEnumerable())
        {
            try
            {
                pending.Thread.Start();
            }
#pragma warning disable CA1031 // The failure is handed to the thread that asked, which throws it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                pending.Failure = e;
            }

            pending.MarkDone();
        }
    }

    private sealed class PendingStart(Thread thread)
    {
        private readonly object _lock = new(); // a monitor (Wait/PulseAll), not a System.Threading.Lock
        private bool _done;

        public Thread Thread { get; } = thread;

        public Exception? Failure { get; set; }

        public void MarkDone()
        {
            lock (_lock)
            {
                _done = true;
                Monitor.PulseAll(_lock);
            }
        }

        public void WaitDone()
        {
            lock (_lock)
            {
                while (!_done)
                {
                    Monitor.Wait(_lock);
                }
            }
        }
    }
}
