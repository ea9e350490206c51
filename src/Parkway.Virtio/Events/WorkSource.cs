namespace Parkway.Virtio.Events;

/// <summary>An eventfd a device worker waits on and what to run when it fires.</summary>
/// <param name="Event">The eventfd (a queue notification, or a device's own, e.g. console input).</param>
/// <param name="Handler">Runs on the worker thread after the eventfd is drained.</param>
public sealed record WorkSource(EventFd Event, Action Handler);
