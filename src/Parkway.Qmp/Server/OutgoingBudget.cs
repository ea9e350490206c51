namespace Parkway.Qmp.Server;

/// <summary>
/// How many bytes one client may have queued but not yet written to it. Counting messages alone does
/// not bound memory: a reply echoes the request's id, so a client sending megabyte ids and never
/// reading would otherwise pin gigabytes per connection. Replies wait for room (the reader stops
/// reading that client, so its own socket pushes back); events never wait, they fail and the client is
/// disconnected as not reading. A single message larger than the limit still goes through, alone.
/// </summary>
internal sealed class OutgoingBudget(long limit)
{
    private long _queued;
    private long _peak;
    private TaskCompletionSource? _waiter;

    public long Limit => limit;

    /// <summary>Bytes queued right now.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>The most ever queued at once.</summary>
    public long Peak => Interlocked.Read(ref _peak);

    /// <summary>Takes room for <paramref name="bytes"/> if it fits now; false when it does not (for events, which must not wait).</summary>
    public bool TryTake(int bytes)
    {
        long after = Interlocked.Add(ref _queued, bytes);
        if (after > limit && after != bytes)
        {
            Release(bytes);
            return false;
        }

        RecordPeak(after);
        return true;
    }

    /// <summary>Waits until <paramref name="bytes"/> fit (or the queue is empty), then takes the room. One caller at a time: the connection's reader.</summary>
    public async ValueTask TakeAsync(int bytes, CancellationToken cancellation)
    {
        while (true)
        {
            if (Fits(bytes))
            {
                RecordPeak(Interlocked.Add(ref _queued, bytes));
                return;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // Publish the waiter, then look again (both full fences): a release that happened in between
            // either is seen here or sees the waiter.
            Interlocked.Exchange(ref _waiter, waiter);
            if (Fits(bytes))
            {
                continue;
            }

            await waiter.Task.WaitAsync(cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>The writer has sent <paramref name="bytes"/>: give the room back and wake the reader if it waits.</summary>
    public void Release(int bytes)
    {
        Interlocked.Add(ref _queued, -bytes);
        Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
    }

    private bool Fits(int bytes)
    {
        long queued = Interlocked.Read(ref _queued);
        return queued == 0 || queued + bytes <= limit;
    }

    private void RecordPeak(long queued)
    {
        long peak = Interlocked.Read(ref _peak);
        while (queued > peak)
        {
            long seen = Interlocked.CompareExchange(ref _peak, queued, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }
}
