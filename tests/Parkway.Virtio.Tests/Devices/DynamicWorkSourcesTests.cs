using Parkway.Interop;
using Parkway.Virtio.Events;
using Parkway.Virtio.Tests.Support;

namespace Parkway.Virtio.Tests.Devices;

/// <summary>
/// The worker's run-time descriptor set (what vsock's sockets need): sources added by a handler are
/// polled from the next wait, removed ones are never run again, interest selects POLLIN/POLLOUT or
/// leaves a descriptor out, and the after-wake hook runs after every wake-up, timeouts included.
/// Over real descriptors (a SOCK_SEQPACKET pair) and the real worker thread.
/// </summary>
public sealed unsafe class DynamicWorkSourcesTests
{
    [Fact]
    public void A_source_added_by_a_handler_is_served_on_the_worker_and_never_after_removal()
    {
        (SafeFdHandle mine, SafeFdHandle peer) = Pair();
        using (mine)
        using (peer)
        using (EventFd kick = EventFd.Create())
        {
            int served = 0, wakes = 0, servedOn = 0;
            DynamicWorkSource? source = null;
            var dynamic = new DynamicWorkSources(afterWake: () => Interlocked.Increment(ref wakes));
            source = new DynamicWorkSource(mine.Number, static () => Libc.POLLIN, events =>
            {
                Assert.NotEqual(0, events & Libc.POLLIN);
                byte value;
                Assert.Equal(1, (int)Libc.Read(mine, &value, 1));
                servedOn = Environment.CurrentManagedThreadId;
                Interlocked.Increment(ref served);
                dynamic.Remove(source!);
            });
            var added = new WorkSource(kick, () =>
            {
                if (dynamic.Count == 0 && !source.Removed)
                {
                    dynamic.Add(source);
                }
            });
            using var worker = new DeviceWorker("dyn-test", [added], e => throw new InvalidOperationException("worker failed", e), dynamic);
            worker.Start();

            kick.Signal();
            VsockGuest.WaitFor(() => Volatile.Read(ref wakes) >= 1, "the kick");
            WriteByte(peer);
            VsockGuest.WaitFor(() => Volatile.Read(ref served) == 1, "the added source's handler");
            Assert.NotEqual(Environment.CurrentManagedThreadId, servedOn);

            // Readable again, but removed: a kick wakes the worker and the handler stays at one.
            WriteByte(peer);
            int before = Volatile.Read(ref wakes);
            kick.Signal();
            VsockGuest.WaitFor(() => Volatile.Read(ref wakes) > before, "the second kick");
            Assert.Equal(1, Volatile.Read(ref served));
        }
    }

    [Fact]
    public void Interest_selects_pollout_and_a_negative_interest_leaves_the_descriptor_out()
    {
        (SafeFdHandle mine, SafeFdHandle peer) = Pair();
        using (mine)
        using (peer)
        {
            short wanted = -1;
            short reported = 0;
            int wakes = 0;
            var dynamic = new DynamicWorkSources(afterWake: () => Interlocked.Increment(ref wakes));
            dynamic.Add(new DynamicWorkSource(mine.Number, () => Volatile.Read(ref wanted), events =>
            {
                Volatile.Write(ref reported, events);
                Volatile.Write(ref wanted, -1);
            }));
            using EventFd kick = EventFd.Create();
            using var worker = new DeviceWorker("dyn-test", [new WorkSource(kick, () => { })], e => throw new InvalidOperationException("worker failed", e), dynamic);
            worker.Start();

            // Writable all along, but left out: only the kick wakes the worker.
            kick.Signal();
            VsockGuest.WaitFor(() => Volatile.Read(ref wakes) >= 1, "the kick");
            Assert.Equal(0, Volatile.Read(ref reported));

            Volatile.Write(ref wanted, DynamicWorkSource.PollOut);
            kick.Signal(); // the next wait asks again
            VsockGuest.WaitFor(() => Volatile.Read(ref reported) != 0, "POLLOUT");
            Assert.Equal(DynamicWorkSource.PollOut, (short)(Volatile.Read(ref reported) & DynamicWorkSource.PollOut));
        }
    }

    [Fact]
    public void The_after_wake_hook_runs_when_the_wait_times_out()
    {
        int wakes = 0;
        var dynamic = new DynamicWorkSources(timeoutMilliseconds: static () => 0, afterWake: () => Interlocked.Increment(ref wakes));
        using var worker = new DeviceWorker("dyn-test", [], e => throw new InvalidOperationException("worker failed", e), dynamic);
        worker.Start();
        VsockGuest.WaitFor(() => Volatile.Read(ref wakes) >= 3, "timed-out waits to run the hook");
    }

    private static (SafeFdHandle Mine, SafeFdHandle Peer) Pair()
    {
        int* fds = stackalloc int[2];
        return Libc.SocketPair(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0, fds) == 0
            ? (new SafeFdHandle(fds[0]), new SafeFdHandle(fds[1]))
            : throw new InvalidOperationException($"socketpair: {Errno.Describe(Errno.Last)}");
    }

    private static void WriteByte(SafeFdHandle fd)
    {
        byte value = 1;
        Assert.Equal(1, (int)Libc.Write(fd, &value, 1));
    }
}
