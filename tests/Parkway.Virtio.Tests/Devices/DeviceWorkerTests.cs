using Parkway.Interop;
using Parkway.Virtio.Devices.Rng;
using Parkway.Virtio.Events;
using Parkway.Virtio.Tests.Support;
using Parkway.Virtio.Transport;
using static Parkway.Virtio.Queues.VirtqueueLayout;

namespace Parkway.Virtio.Tests.Devices;

/// <summary>
/// The real thread model: a guest kick signals the queue's eventfd, the device worker (not the
/// caller's thread) serves the queue and raises the interrupt eventfd, which is what KVM_IRQFD
/// would inject. Waits use poll(2) with a generous hang guard; nothing asserts a duration.
/// </summary>
public sealed unsafe class DeviceWorkerTests
{
    private const int HangGuardMilliseconds = 30_000;

    [Fact]
    public void A_kick_is_served_on_the_worker_thread_and_raises_the_interrupt_eventfd()
    {
        var log = new TestLog();
        var queue = new QueueFixture(size: 8);
        using EventFd interrupt = EventFd.Create();
        var device = new ThreadRecordingRng(log);
        using var transport = new VirtioMmioTransport(device, queue.Memory, interrupt, log.Log);
        var driver = new MmioDriver(transport);
        driver.Probe(queue);

        ulong buffer = queue.Allocate(32);
        queue.SetDescriptor(0, buffer, 32, DescriptorFlagWrite);
        queue.Publish(0);
        driver.Write(VirtioMmioRegisters.QueueNotify, 0); // what KVM_IOEVENTFD would turn into an eventfd write

        Assert.True(WaitReadable(interrupt), "no interrupt within the hang guard");
        Assert.True(interrupt.TryConsume());
        Assert.Equal(1, queue.UsedIndex);
        Assert.Equal((0u, 32u), queue.Used(0));
        Assert.Equal(VirtioMmioRegisters.InterruptUsedBuffer, driver.Read(VirtioMmioRegisters.InterruptStatus));
        Assert.NotEqual(Environment.CurrentManagedThreadId, device.ServedOnThread);
        Assert.Equal("virtio-rng0", device.ServedOnThreadName);
    }

    [Fact]
    public void A_reset_stops_the_worker_and_a_new_probe_starts_another()
    {
        var log = new TestLog();
        var queue = new QueueFixture(size: 8);
        using EventFd interrupt = EventFd.Create();
        var device = new ThreadRecordingRng(log);
        using var transport = new VirtioMmioTransport(device, queue.Memory, interrupt, log.Log);
        var driver = new MmioDriver(transport);
        driver.Probe(queue);
        driver.Write(VirtioMmioRegisters.Status, 0);
        int firstWorker = device.ServedOnThread;

        var fresh = new QueueFixture(size: 8, memory: queue.Memory, region: 1);
        driver.Probe(fresh);
        fresh.SetDescriptor(0, fresh.Allocate(8), 8, DescriptorFlagWrite);
        fresh.Publish(0);
        driver.Write(VirtioMmioRegisters.QueueNotify, 0);

        Assert.True(WaitReadable(interrupt), "no interrupt after the second probe");
        Assert.Equal(1, fresh.UsedIndex);
        Assert.NotEqual(firstWorker, device.ServedOnThread);
    }

    [Fact]
    public void A_handler_that_throws_marks_the_device_needs_reset_instead_of_crashing()
    {
        var log = new TestLog();
        var queue = new QueueFixture(size: 8);
        using EventFd interrupt = EventFd.Create();
        var device = new ThreadRecordingRng(log) { Throw = true };
        using var transport = new VirtioMmioTransport(device, queue.Memory, interrupt, log.Log);
        var driver = new MmioDriver(transport);
        driver.Probe(queue);

        Assert.True(WaitReadable(interrupt), "no config interrupt after the worker failed");
        Assert.Equal(DeviceStatus.NeedsReset, driver.Status & DeviceStatus.NeedsReset);
    }

    [Fact]
    public void A_frame_arriving_on_the_backend_fd_is_delivered_by_the_worker_and_kicks_are_still_served_after_the_backend_hangs_up()
    {
        var log = new TestLog();
        var receive = new QueueFixture(size: 8);
        var transmit = new QueueFixture(size: 8, memory: receive.Memory, region: 1);
        int* fds = stackalloc int[2];
        Assert.Equal(0, Libc.SocketPair(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0, fds));
        using var backend = new Parkway.Virtio.Devices.Net.FdFrameBackend(new SafeFdHandle(fds[0]));
        var host = new Parkway.Virtio.Devices.Net.FdFrameBackend(new SafeFdHandle(fds[1]));
        using EventFd interrupt = EventFd.Create();
        var device = new Parkway.Virtio.Devices.Net.VirtioNetDevice("virtio-net0", Parkway.Virtio.Devices.Net.MacAddress.Default(0), backend, log.Log);
        using var transport = new VirtioMmioTransport(device, receive.Memory, interrupt, log.Log);
        var driver = new MmioDriver(transport);
        ulong buffer = receive.Allocate(2048);
        receive.SetDescriptor(0, buffer, 2048, DescriptorFlagWrite);
        receive.Publish(0);
        driver.Probe(receive, transmit);

        host.SendFrame(new byte[64]); // no kick: only the backend fd becoming readable wakes the worker

        Assert.True(WaitReadable(interrupt), "the frame was not delivered");
        Assert.Equal((0u, 64u), receive.Used(0));

        // With the peer gone the fd reports POLLHUP on every poll; the worker drops it from the wait
        // set (so it does not spin) and keeps serving kicks.
        host.Dispose();
        interrupt.TryConsume();
        transmit.SetDescriptor(0, transmit.Put(new byte[60]), 60, 0);
        transmit.Publish(0);
        driver.Write(VirtioMmioRegisters.QueueNotify, 1);
        Assert.True(WaitReadable(interrupt), "a transmit kick was not served after the backend hung up");
        Assert.Equal(1, transmit.UsedIndex);
    }

    [Fact]
    public void A_paused_transport_serves_nothing_and_saves_a_stable_state_then_resume_serves_the_kick()
    {
        var log = new TestLog();
        var queue = new QueueFixture(size: 8);
        using EventFd interrupt = EventFd.Create();
        var device = new ThreadRecordingRng(log);
        using var transport = new VirtioMmioTransport(device, queue.Memory, interrupt, log.Log);
        var driver = new MmioDriver(transport);
        driver.Probe(queue);

        transport.Pause(); // joins the worker: from here nothing can touch the rings
        queue.SetDescriptor(0, queue.Allocate(16), 16, DescriptorFlagWrite);
        queue.Publish(0);
        driver.Write(VirtioMmioRegisters.QueueNotify, 0);
        VirtioMmioState paused = transport.SaveState();

        Assert.Equal(0, queue.UsedIndex);
        Assert.Equal(0, paused.Queues[0].NextAvail);

        transport.Resume();
        Assert.True(WaitReadable(interrupt), "the kick made while paused was not served after resume");
        Assert.Equal(1, queue.UsedIndex);
        Assert.Equal(1, transport.SaveState().Queues[0].NextUsed);
    }

    private static bool WaitReadable(EventFd eventFd)
    {
        var fd = new PollFd { Fd = eventFd.Handle.Number, Events = Libc.POLLIN };
        while (true)
        {
            int ready = Libc.Poll(&fd, 1, HangGuardMilliseconds);
            if (ready >= 0 || Errno.Last != Errno.EINTR)
            {
                return ready > 0;
            }
        }
    }

    /// <summary>The real rng device, noting which thread served it.</summary>
    private sealed class ThreadRecordingRng(TestLog log) : Parkway.Virtio.Devices.IVirtioDevice
    {
        private readonly VirtioRngDevice _inner = new("virtio-rng0", log.Log);

        public bool Throw { get; init; }

        public int ServedOnThread { get; private set; }

        public string? ServedOnThreadName { get; private set; }

        public string Name => _inner.Name;

        public Parkway.Virtio.Devices.VirtioDeviceType DeviceType => _inner.DeviceType;

        public ulong DeviceFeatures => _inner.DeviceFeatures;

        public int QueueCount => _inner.QueueCount;

        public ushort MaxQueueSize => _inner.MaxQueueSize;

        public IReadOnlyList<WorkSource> DeviceSources => _inner.DeviceSources;

        public void Activate(Parkway.Virtio.Devices.VirtioDeviceContext context) => _inner.Activate(context);

        public void ProcessQueue(int queueIndex)
        {
            ServedOnThread = Environment.CurrentManagedThreadId;
            ServedOnThreadName = Thread.CurrentThread.Name;
            if (Throw)
            {
                throw new InvalidOperationException("device bug (test)");
            }

            _inner.ProcessQueue(queueIndex);
        }

        public void ReadConfig(uint offset, Span<byte> data) => _inner.ReadConfig(offset, data);

        public bool WriteConfig(uint offset, ReadOnlySpan<byte> data) => _inner.WriteConfig(offset, data);

        public void Reset() => _inner.Reset();

        public Parkway.Virtio.Devices.VirtioDeviceState SaveState() => _inner.SaveState();
    }
}
