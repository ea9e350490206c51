using Parkway.Machine.Config;

namespace Parkway.Machine.Hotplug;

/// <summary>The power state the guest has a CPU in (RFC V6's oper-state).</summary>
public enum CpuOperState
{
    /// <summary>Parked: no thread; the guest cannot run it.</summary>
    Off,
    /// <summary>Plugged but not started by the guest (or stopped with CPU_OFF).</summary>
    Standby,
    /// <summary>Running guest code.</summary>
    On,
}

/// <summary>A snapshot of one CPU slot as the control plane reports it.</summary>
public sealed record CpuSlotView(
    int Index,
    CpuTopologyIds TopologyIds,
    ulong ArchId,
    bool IsPlugged,
    bool IsBootCpu,
    string? DeviceId,
    string? QomPath,
    int HostThreadId,
    CpuOperState OperState,
    bool UnplugPending,
    DateTimeOffset? UnplugRequestedAt = null);

/// <summary>Why a pending unplug ended without an eject.</summary>
public enum UnplugFailure
{
    /// <summary>The guest reported through _OST that it failed or refused to eject the CPU.</summary>
    GuestRefused,
    /// <summary>The guest did not eject the CPU within the unplug timeout.</summary>
    TimedOut,
}

/// <summary>Topology properties of a CPU device request; null = not given.</summary>
public sealed record CpuTopologyRequest(int? SocketId, int? ClusterId, int? CoreId, int? ThreadId);
