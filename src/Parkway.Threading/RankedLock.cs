namespace Parkway.Threading;

/// <summary>
/// A <see cref="Lock"/> with a place in the lock order. While <see cref="LockOrder.IsChecking"/>,
/// entering it when the thread already holds a lock of the same or a higher rank (other than this
/// one: re-entry is allowed) throws <see cref="LockOrderException"/> before blocking — so an
/// inversion is reported on the first path that takes it, not only when two threads happen to
/// deadlock on it.
/// </summary>
public sealed class RankedLock
{
    private readonly Lock _lock = new();

    /// <summary>Creates the lock.</summary>
    public RankedLock(LockRank rank, string name)
    {
        Rank = rank;
        Name = name;
    }

    /// <summary>Where the lock sits in the order.</summary>
    public LockRank Rank { get; }

    /// <summary>The lock's owner, for messages.</summary>
    public string Name { get; }

    /// <summary>True when the calling thread holds the lock.</summary>
    public bool IsHeldByCurrentThread => _lock.IsHeldByCurrentThread;

    /// <summary>Enters the lock until the returned scope is disposed (<c>using (x.EnterScope())</c>).</summary>
    public Scope EnterScope()
    {
        bool tracked = false;
        if (LockOrder.IsChecking && !_lock.IsHeldByCurrentThread)
        {
            LockOrder.CheckEnter(this);
            tracked = true;
        }

        _lock.Enter();
        if (tracked)
        {
            LockOrder.Push(this);
        }

        return new Scope(this, tracked);
    }

    /// <summary>A held <see cref="RankedLock"/>; disposing releases it.</summary>
    public readonly ref struct Scope
    {
        private readonly RankedLock _owner;
        private readonly bool _tracked;

        internal Scope(RankedLock owner, bool tracked)
        {
            _owner = owner;
            _tracked = tracked;
        }

        /// <summary>Releases the lock.</summary>
        public void Dispose()
        {
            if (_tracked)
            {
                LockOrder.Pop(_owner);
            }

            _owner._lock.Exit();
        }
    }
}
