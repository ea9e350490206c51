namespace Parkway.Threading;

/// <summary>
/// The lock-order checker behind <see cref="RankedLock"/>: each thread's held ranked locks, and
/// assertions that a rank is not held before something that must not happen under it (an ioctl,
/// starting a vCPU thread). On in debug builds (every unit test run) and when the environment
/// variable <c>PARKWAY_CHECK_LOCK_ORDER=1</c> is set; otherwise every check is one branch.
/// </summary>
public static class LockOrder
{
    [ThreadStatic]
    private static List<RankedLock>? t_held;

    /// <summary>True when lock order is being checked in this process.</summary>
    public static bool IsChecking { get; } =
#if DEBUG
        true;
#else
        Environment.GetEnvironmentVariable("PARKWAY_CHECK_LOCK_ORDER") == "1";
#endif

    /// <summary>
    /// Throws <see cref="LockOrderException"/> when the calling thread holds a lock of
    /// <paramref name="rank"/> while about to do <paramref name="action"/>, which the lock order
    /// forbids under it (e.g. a vCPU ioctl or a thread start under the CPU manager's lock).
    /// </summary>
    public static void AssertNotHeld(LockRank rank, string action)
    {
        if (!IsChecking || t_held is not { Count: > 0 } held)
        {
            return;
        }

        foreach (RankedLock taken in held)
        {
            if (taken.Rank == rank)
            {
                throw new LockOrderException($"{action} while holding {taken.Name} ({taken.Rank}): the lock order forbids it");
            }
        }
    }

    internal static void CheckEnter(RankedLock next)
    {
        if (t_held is not { Count: > 0 } held)
        {
            return;
        }

        RankedLock last = held[^1];
        if (last.Rank >= next.Rank)
        {
            throw new LockOrderException(
                $"lock order inverted: taking {next.Name} ({next.Rank}) while holding {last.Name} ({last.Rank})");
        }
    }

    internal static void Push(RankedLock taken) => (t_held ??= []).Add(taken);

    internal static void Pop(RankedLock released)
    {
        List<RankedLock>? held = t_held;
        int at = held?.LastIndexOf(released) ?? -1;
        if (at >= 0)
        {
            held!.RemoveAt(at);
        }
    }
}

/// <summary>Code took locks in an order docs/architecture.md forbids (a deadlock waiting to happen).</summary>
public sealed class LockOrderException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public LockOrderException(string message)
        : base(message)
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public LockOrderException()
    {
    }

    /// <summary>Unused; present for the standard exception constructors.</summary>
    public LockOrderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
