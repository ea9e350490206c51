namespace Parkway.Virtio.Events;

/// <summary>
/// A one-way "something happened" signal. Interrupts (the device's used-buffer and config-change
/// interrupt) and queue notifications are both this; in the VMM both are eventfds that KVM
/// watches (KVM_IRQFD) or writes (KVM_IOEVENTFD), so neither side needs the other's thread.
/// </summary>
public interface IEventSignal
{
    /// <summary>Signals once; signals that arrive before the waiter wakes may coalesce.</summary>
    void Signal();
}
