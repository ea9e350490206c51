using Parkway.Interop;

namespace Parkway.Virtio.Events;

/// <summary>
/// A descriptor a device worker polls for input and what to run when it is readable.
/// </summary>
/// <param name="Handle">The descriptor.</param>
/// <param name="Handler">Runs on the worker thread when the descriptor is readable.</param>
/// <param name="EventToDrain">For an eventfd: drained before the handler runs (null for other fds, whose handler reads them).</param>
/// <param name="Wanted">Asked before every wait: false leaves the fd out of that wait (e.g. a tap while the guest has no receive buffers, which is the back-pressure that keeps the VMM from buffering).</param>
public sealed record WorkSource(SafeFdHandle Handle, Action Handler, EventFd? EventToDrain = null, Func<bool>? Wanted = null)
{
    /// <summary>An eventfd (a queue notification, or a device's own, e.g. console input).</summary>
    public WorkSource(EventFd eventFd, Action handler)
        : this(eventFd?.Handle ?? throw new ArgumentNullException(nameof(eventFd)), handler, eventFd)
    {
    }
}
