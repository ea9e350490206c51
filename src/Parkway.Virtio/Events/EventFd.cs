using Parkway.Interop;

namespace Parkway.Virtio.Events;

/// <summary>
/// A Linux eventfd (non-blocking, close-on-exec): a 64-bit counter that writers add to and a
/// reader drains, waitable with poll(2). Used as a queue's notification (KVM_IOEVENTFD writes it
/// when the guest kicks the queue) and as a device's interrupt (KVM_IRQFD injects the SPI when
/// the device writes it). The object owns the descriptor; KVM keeps its own reference while
/// registered, so the registration must be removed (DEASSIGN) before <see cref="Dispose"/>
/// if the VM outlives the device.
/// </summary>
public sealed unsafe class EventFd : IEventSignal, IDisposable
{
    private EventFd(SafeFdHandle handle) => Handle = handle;

    /// <summary>The descriptor (for poll, KVM_IOEVENTFD and KVM_IRQFD).</summary>
    public SafeFdHandle Handle { get; }

    /// <summary>Creates a fresh eventfd with a zero counter.</summary>
    public static EventFd Create()
    {
        int fd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (fd < 0)
        {
            int errno = Errno.Last;
            throw new KvmException("eventfd", errno, $"cannot create an eventfd: {Errno.Describe(errno)}");
        }

        return new EventFd(new SafeFdHandle(fd));
    }

    /// <inheritdoc />
    public void Signal()
    {
        ulong one = 1;
        // SAFETY: writes the 8 bytes of a local; the handle is kept alive by the marshaller.
        nint written = Libc.Write(Handle, &one, sizeof(ulong));
        // EAGAIN means the counter is at its maximum: the reader has a wake-up pending anyway.
        if (written < 0 && Errno.Last != Errno.EAGAIN)
        {
            int errno = Errno.Last;
            throw new KvmException("write(eventfd)", errno, $"cannot signal an eventfd: {Errno.Describe(errno)}");
        }
    }

    /// <summary>Reads and resets the counter; false when it was zero.</summary>
    public bool TryConsume()
    {
        ulong value;
        // SAFETY: reads at most 8 bytes into a local.
        nint read = Libc.Read(Handle, &value, sizeof(ulong));
        if (read == sizeof(ulong))
        {
            return true;
        }

        int errno = Errno.Last;
        return errno == Errno.EAGAIN
            ? false
            : throw new KvmException("read(eventfd)", errno, $"cannot read an eventfd: {Errno.Describe(errno)}");
    }

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();
}
