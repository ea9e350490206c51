namespace Parkway.Machine.Config;

/// <summary>
/// The CPU topology of the machine: sockets × clusters × cores × threads possible CPUs. Slot
/// indices enumerate it with threads varying fastest, then cores, clusters, sockets (the order
/// QEMU's arm virt uses for possible CPUs), so slot i always has the same topology ids.
/// </summary>
public readonly record struct CpuTopology(int Sockets, int Clusters, int Cores, int Threads)
{
    /// <summary>Number of possible CPUs.</summary>
    public int Count => Sockets * Clusters * Cores * Threads;

    /// <summary>The topology ids of slot <paramref name="index"/>.</summary>
    public CpuTopologyIds IdsOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return new CpuTopologyIds(
            SocketId: index / (Threads * Cores * Clusters),
            ClusterId: index / (Threads * Cores) % Clusters,
            CoreId: index / Threads % Cores,
            ThreadId: index % Threads);
    }

    /// <summary>The slot index of a topology position, or -1 when it lies outside the topology.</summary>
    public int IndexOf(CpuTopologyIds ids)
    {
        if ((uint)ids.SocketId >= (uint)Sockets || (uint)ids.ClusterId >= (uint)Clusters
            || (uint)ids.CoreId >= (uint)Cores || (uint)ids.ThreadId >= (uint)Threads)
        {
            return -1;
        }

        return (((ids.SocketId * Clusters) + ids.ClusterId) * Cores + ids.CoreId) * Threads + ids.ThreadId;
    }

    /// <inheritdoc />
    public override string ToString() => $"sockets={Sockets},clusters={Clusters},cores={Cores},threads={Threads}";
}

/// <summary>Where one CPU sits in the topology.</summary>
public readonly record struct CpuTopologyIds(int SocketId, int ClusterId, int CoreId, int ThreadId);
