using Parkway.Interop;
using Parkway.Virtio.Devices;
using Parkway.Virtio.Devices.Net;
using Parkway.Virtio.Transport;

namespace Parkway.Virtio.Tests.Support;

/// <summary>
/// A virtio-net device whose "tap" is one end of a SOCK_SEQPACKET socketpair (a real kernel
/// object that keeps frame boundaries); the test plays the host network on the other end.
/// </summary>
internal sealed unsafe class NetRig : IDisposable
{
    public NetRig(bool mergeable = true, ushort receiveQueueSize = 16)
    {
        int* fds = stackalloc int[2];
        if (Libc.SocketPair(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0, fds) != 0)
        {
            throw new InvalidOperationException($"socketpair: {Errno.Describe(Errno.Last)}");
        }

        Backend = new FdFrameBackend(new SafeFdHandle(fds[0]));
        Host = new FdFrameBackend(new SafeFdHandle(fds[1]));
        Device = new VirtioNetDevice("virtio-net0", MacAddress.Default(0), Backend, Log.Log);
        Receive = new QueueFixture(size: receiveQueueSize);
        Transmit = new QueueFixture(size: 16, memory: Receive.Memory, region: 1);
        Transport = new VirtioMmioTransport(Device, Receive.Memory, Interrupt, Log.Log, startWorker: false);
        Driver = new MmioDriver(Transport);
        ulong features = Driver.DeviceFeatures();
        if (!mergeable)
        {
            features &= ~VirtioFeatures.Bit(VirtioNet.FeatureMergeableRxBuffers);
        }

        if (!Driver.Negotiate(features))
        {
            throw new InvalidOperationException("FEATURES_OK refused");
        }

        Driver.SetUpQueue(0, Receive);
        Driver.SetUpQueue(1, Transmit);
        Driver.DriverOk();
    }

    public TestLog Log { get; } = new();

    public CountingSignal Interrupt { get; } = new();

    public FdFrameBackend Backend { get; }

    /// <summary>The host side of the "tap".</summary>
    public FdFrameBackend Host { get; }

    public VirtioNetDevice Device { get; }

    public QueueFixture Receive { get; }

    public QueueFixture Transmit { get; }

    public VirtioMmioTransport Transport { get; }

    public MmioDriver Driver { get; }

    public void Dispose()
    {
        Transport.Dispose();
        Backend.Dispose();
        Host.Dispose();
    }
}
