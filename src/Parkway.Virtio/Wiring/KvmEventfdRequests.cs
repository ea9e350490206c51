using Parkway.Interop;
using Parkway.Virtio.Events;

namespace Parkway.Virtio.Wiring;

/// <summary>The KVM_IOEVENTFD / KVM_IRQFD arguments for a virtio-mmio transport, as pure functions.</summary>
public static class KvmEventfdRequests
{
    /// <summary>
    /// A 4-byte store of <paramref name="queueIndex"/> to the QueueNotify register at
    /// <paramref name="notifyAddress"/> signals <paramref name="eventFd"/> inside KVM: no exit to
    /// the VMM, and each queue of the one register gets its own eventfd (data match).
    /// </summary>
    public static KvmIoeventfd QueueNotify(ulong notifyAddress, uint queueIndex, EventFd eventFd, bool deassign = false)
    {
        ArgumentNullException.ThrowIfNull(eventFd);
        return new KvmIoeventfd
        {
            Address = notifyAddress,
            Length = 4,
            DataMatch = queueIndex,
            Fd = eventFd.Handle.Number,
            Flags = (uint)(KvmIoeventfdFlags.DataMatch | (deassign ? KvmIoeventfdFlags.Deassign : KvmIoeventfdFlags.None)),
        };
    }

    /// <summary>
    /// Writing <paramref name="eventFd"/> injects SPI <paramref name="spi"/>: on arm64 the vGIC's
    /// default routing maps GSI n to SPI n (interrupt id 32 + n). Edge semantics (no resample fd).
    /// </summary>
    public static KvmIrqfd Interrupt(uint spi, EventFd eventFd, bool deassign = false)
    {
        ArgumentNullException.ThrowIfNull(eventFd);
        return new KvmIrqfd
        {
            Fd = (uint)eventFd.Handle.Number,
            Gsi = spi,
            Flags = (uint)(deassign ? KvmIrqfdFlags.Deassign : KvmIrqfdFlags.None),
        };
    }
}
