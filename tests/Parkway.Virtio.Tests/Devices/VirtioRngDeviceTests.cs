using Parkway.Virtio.Devices.Rng;
using Parkway.Virtio.Queues;
using Parkway.Virtio.Tests.Support;
using Parkway.Virtio.Transport;
using static Parkway.Virtio.Queues.VirtqueueLayout;

namespace Parkway.Virtio.Tests.Devices;

/// <summary>virtio-rng fills the guest's writable buffers with host randomness.</summary>
public sealed class VirtioRngDeviceTests : IDisposable
{
    private readonly TestLog _log = new();
    private readonly QueueFixture _queue = new(size: 8);
    private readonly VirtioRngDevice _device;
    private readonly VirtioMmioTransport _transport;

    public VirtioRngDeviceTests()
    {
        _device = new VirtioRngDevice("virtio-rng0", _log.Log);
        _transport = new VirtioMmioTransport(_device, _queue.Memory, new CountingSignal(), _log.Log, startWorker: false);
        new MmioDriver(_transport).Probe(_queue);
    }

    public void Dispose() => _transport.Dispose();

    [Fact]
    public void Every_writable_byte_of_a_request_is_filled_and_the_used_length_counts_them()
    {
        ulong first = _queue.Allocate(64), second = _queue.Allocate(192);
        _queue.SetDescriptor(0, first, 64, DescriptorFlagWrite | DescriptorFlagNext, 1);
        _queue.SetDescriptor(1, second, 192, DescriptorFlagWrite);
        _queue.Publish(0);

        _device.ProcessQueue(0);

        Assert.Equal(1, _queue.UsedIndex);
        Assert.Equal((0u, 256u), _queue.Used(0));
        byte[] bytes = [.. _queue.Memory.GetSpanCopy(first, 64), .. _queue.Memory.GetSpanCopy(second, 192)];
        // 256 random bytes: all zero, or fewer than 100 distinct values, would be astronomically unlikely.
        Assert.True(bytes.Distinct().Count() > 100, "the buffers were not filled with random bytes");
    }

    [Fact]
    public void A_request_with_only_readable_buffers_gets_nothing()
    {
        ulong buffer = _queue.Put(new byte[16]);
        _queue.SetDescriptor(0, buffer, 16, 0);
        _queue.Publish(0);

        _device.ProcessQueue(0);

        Assert.Equal((0u, 0u), _queue.Used(0));
        Assert.All(_queue.Memory.GetSpanCopy(buffer, 16), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Huge_requests_are_capped()
    {
        ulong buffer = _queue.Allocate(200_000);
        _queue.SetDescriptor(0, buffer, 200_000, DescriptorFlagWrite);
        _queue.Publish(0);

        _device.ProcessQueue(0);

        Assert.Equal((0u, VirtioRngDevice.MaxBytesPerRequest), _queue.Used(0));
    }
}
