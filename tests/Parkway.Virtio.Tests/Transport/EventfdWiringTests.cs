using Parkway.Interop;
using Parkway.Virtio.Description;
using Parkway.Virtio.Events;
using Parkway.Virtio.Tests.Support;
using Parkway.Virtio.Transport;
using Parkway.Virtio.Wiring;

namespace Parkway.Virtio.Tests.Transport;

/// <summary>The KVM_IOEVENTFD / KVM_IRQFD requests a transport in a QEMU virt slot needs.</summary>
public sealed class EventfdWiringTests
{
    [Fact]
    public void Each_queue_gets_a_data_matched_ioeventfd_on_queue_notify_and_the_interrupt_an_irqfd_on_the_slot_spi()
    {
        var log = new TestLog();
        var queue = new QueueFixture();
        using var transport = new VirtioMmioTransport(new FakeDevice(), queue.Memory, new CountingSignal(), log.Log, startWorker: false);
        using EventFd interrupt = EventFd.Create();
        var kvm = new RecordingRegistrar();
        VirtioMmioSlot slot = VirtioMmioSlot.QemuVirt(2);

        VirtioMmioEventfdWiring.Wire(kvm, slot, transport, interrupt);

        Assert.Equal(2, kvm.Ioeventfds.Count);
        for (int i = 0; i < 2; i++)
        {
            KvmIoeventfd request = kvm.Ioeventfds[i];
            Assert.Equal(0x0a00_0450UL, request.Address);
            Assert.Equal(4u, request.Length);
            Assert.Equal((ulong)i, request.DataMatch);
            Assert.Equal(transport.QueueNotifiers[i].Handle.Number, request.Fd);
            Assert.Equal((uint)KvmIoeventfdFlags.DataMatch, request.Flags);
        }

        KvmIrqfd irqfd = Assert.Single(kvm.Irqfds);
        Assert.Equal(18u, irqfd.Gsi);
        Assert.Equal((uint)interrupt.Handle.Number, irqfd.Fd);
        Assert.Equal(0u, irqfd.Flags);

        VirtioMmioEventfdWiring.Unwire(kvm, slot, transport, interrupt);
        Assert.All(kvm.Ioeventfds.Skip(2), r => Assert.Equal((uint)(KvmIoeventfdFlags.DataMatch | KvmIoeventfdFlags.Deassign), r.Flags));
        Assert.Equal((uint)KvmIrqfdFlags.Deassign, kvm.Irqfds[1].Flags);
    }

    private sealed class RecordingRegistrar : IKvmEventfdRegistrar
    {
        public List<KvmIoeventfd> Ioeventfds { get; } = [];

        public List<KvmIrqfd> Irqfds { get; } = [];

        public void Ioeventfd(in KvmIoeventfd request) => Ioeventfds.Add(request);

        public void Irqfd(in KvmIrqfd request) => Irqfds.Add(request);
    }
}
