namespace Parkway.Virtio.Queues;

/// <summary>Outcome of <see cref="SplitQueue.TryPop"/>.</summary>
public enum PopStatus
{
    /// <summary>A valid chain was returned.</summary>
    Available,
    /// <summary>No (more) available chains.</summary>
    Empty,
    /// <summary>The rings are corrupt beyond one request (e.g. the avail index jumped); the device needs a reset.</summary>
    Broken,
}
