using Parkway.Virtio.Devices.Console;
using Parkway.Virtio.Tests.Support;
using Parkway.Virtio.Transport;
using static Parkway.Virtio.Queues.VirtqueueLayout;

namespace Parkway.Virtio.Tests.Devices;

/// <summary>virtio-console's single port: guest output to a host stream, host input into posted buffers.</summary>
public sealed class VirtioConsoleDeviceTests : IDisposable
{
    private readonly TestLog _log = new();
    private readonly QueueFixture _receive;
    private readonly QueueFixture _transmit;
    private readonly MemoryStream _output = new();
    private readonly ConsoleInput _input = new();
    private readonly VirtioConsoleDevice _device;
    private readonly VirtioMmioTransport _transport;

    public VirtioConsoleDeviceTests()
    {
        _receive = new QueueFixture(size: 8);
        _transmit = new QueueFixture(size: 8, memory: _receive.Memory, region: 1);
        _device = new VirtioConsoleDevice("virtio-console0", _output, _input, _log.Log);
        _transport = new VirtioMmioTransport(_device, _receive.Memory, new CountingSignal(), _log.Log, startWorker: false);
        new MmioDriver(_transport).Probe(_receive, _transmit);
    }

    public void Dispose()
    {
        _transport.Dispose();
        _input.Dispose();
        _output.Dispose();
    }

    [Fact]
    public void Guest_output_reaches_the_host_stream_in_order()
    {
        _transmit.SetDescriptor(0, _transmit.Put("CPUs: "u8), 6, DescriptorFlagNext, 1);
        _transmit.SetDescriptor(1, _transmit.Put("4\n"u8), 2, 0);
        _transmit.SetDescriptor(2, _transmit.Put("done\n"u8), 5, 0);
        _transmit.Publish(0);
        _transmit.Publish(2);

        _device.ProcessQueue(VirtioConsole.TransmitQueue);

        Assert.Equal("CPUs: 4\ndone\n", System.Text.Encoding.ASCII.GetString(_output.ToArray()));
        Assert.Equal(2, _transmit.UsedIndex);
        Assert.Equal((0u, 0u), _transmit.Used(0));
    }

    [Fact]
    public void Host_input_fills_posted_receive_buffers_and_the_rest_waits_for_more()
    {
        ulong first = _receive.Allocate(4), second = _receive.Allocate(4);
        _receive.SetDescriptor(0, first, 4, DescriptorFlagWrite);
        _receive.SetDescriptor(1, second, 4, DescriptorFlagWrite);
        _receive.Publish(0);

        Assert.Equal(10, _input.TryWrite("hello, hvc"u8));
        _device.DeliverInput();

        Assert.Equal((0u, 4u), _receive.Used(0));
        Assert.Equal("hell"u8.ToArray(), _receive.Memory.GetSpanCopy(first, 4));
        Assert.Equal(6, _input.Available);

        _receive.Publish(1);
        _device.ProcessQueue(VirtioConsole.ReceiveQueue); // the guest's kick after posting
        Assert.Equal((1u, 4u), _receive.Used(1));
        Assert.Equal("o, h"u8.ToArray(), _receive.Memory.GetSpanCopy(second, 4));
        Assert.Equal(2, _input.Available);
    }

    [Fact]
    public void No_receive_buffer_is_consumed_while_there_is_no_input()
    {
        _receive.SetDescriptor(0, _receive.Allocate(4), 4, DescriptorFlagWrite);
        _receive.Publish(0);

        _device.ProcessQueue(VirtioConsole.ReceiveQueue);

        Assert.Equal(0, _receive.UsedIndex);
    }

    [Fact]
    public void Input_is_bounded_so_a_guest_that_stops_reading_does_not_grow_the_vmm()
    {
        byte[] flood = new byte[ConsoleInput.Capacity + 100];
        Assert.Equal(ConsoleInput.Capacity, _input.TryWrite(flood));
        Assert.Equal(0, _input.TryWrite(flood));
        Assert.Equal(ConsoleInput.Capacity, _input.Available);
    }

    [Fact]
    public void The_input_eventfd_is_signalled_when_bytes_arrive()
    {
        Assert.False(_input.DataAvailable.TryConsume());
        _input.TryWrite("x"u8);
        Assert.True(_input.DataAvailable.TryConsume());
        Assert.Single(_device.DeviceSources);
    }

    [Fact]
    public void A_pump_copies_a_host_stream_in_and_blocks_instead_of_buffering_past_the_bound()
    {
        using var input = new ConsoleInput();
        byte[] source = new byte[ConsoleInput.Capacity + 5000];
        new Random(3).NextBytes(source);
        input.StartPump(new MemoryStream(source), "test-pump");

        var received = new List<byte>();
        var buffer = new byte[8192];
        var deadline = DateTime.UtcNow.AddSeconds(30); // a hang guard, not a speed assertion
        while (received.Count < source.Length && DateTime.UtcNow < deadline)
        {
            Assert.True(input.Available <= ConsoleInput.Capacity);
            int taken = input.Take(buffer);
            received.AddRange(buffer.AsSpan(0, taken).ToArray());
            if (taken == 0)
            {
                Thread.Sleep(1);
            }
        }

        Assert.Equal(source, received.ToArray());
    }
}
