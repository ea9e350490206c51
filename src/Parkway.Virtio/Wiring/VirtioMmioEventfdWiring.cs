using Parkway.Virtio.Description;
using Parkway.Virtio.Events;
using Parkway.Virtio.Transport;

namespace Parkway.Virtio.Wiring;

/// <summary>
/// Connects a transport's eventfds to KVM: every queue's notification eventfd to QueueNotify of
/// its slot (data match = queue index) and the interrupt eventfd to the slot's SPI. Done once
/// before the guest runs; <see cref="Unwire"/> removes the registrations (before the eventfds are
/// closed, if the VM lives on).
/// </summary>
public static class VirtioMmioEventfdWiring
{
    /// <summary>Registers the transport's notifiers and <paramref name="interrupt"/> for <paramref name="slot"/>.</summary>
    public static void Wire(IKvmEventfdRegistrar kvm, VirtioMmioSlot slot, VirtioMmioTransport transport, EventFd interrupt) =>
        Apply(kvm, slot, transport, interrupt, deassign: false);

    /// <summary>Removes what <see cref="Wire"/> registered.</summary>
    public static void Unwire(IKvmEventfdRegistrar kvm, VirtioMmioSlot slot, VirtioMmioTransport transport, EventFd interrupt) =>
        Apply(kvm, slot, transport, interrupt, deassign: true);

    private static void Apply(IKvmEventfdRegistrar kvm, VirtioMmioSlot slot, VirtioMmioTransport transport, EventFd interrupt, bool deassign)
    {
        ArgumentNullException.ThrowIfNull(kvm);
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(transport);
        ulong notify = slot.BaseAddress + VirtioMmioRegisters.QueueNotify;
        for (int i = 0; i < transport.QueueNotifiers.Count; i++)
        {
            kvm.Ioeventfd(KvmEventfdRequests.QueueNotify(notify, (uint)i, transport.QueueNotifiers[i], deassign));
        }

        kvm.Irqfd(KvmEventfdRequests.Interrupt(slot.Spi, interrupt, deassign));
    }
}
