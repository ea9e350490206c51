namespace Parkway.Machine.Hotplug;

/// <summary>Which way a CPU went.</summary>
public enum HotplugKind
{
    /// <summary>Plugged: parked slot → running vCPU thread → started by the guest.</summary>
    Plug,
    /// <summary>Unplugged: eject requested → guest ejects → vCPU thread stopped, slot parked.</summary>
    Unplug,
}

/// <summary>How a plug or unplug ended.</summary>
public enum HotplugOutcome
{
    /// <summary>Plug: the guest started the CPU (PSCI CPU_ON). Unplug: the guest ejected it and its thread stopped.</summary>
    Completed,
    /// <summary>Unplug: the guest reported through _OST that it would not eject the CPU.</summary>
    GuestRefused,
    /// <summary>Unplug: the guest did not eject the CPU within the unplug timeout.</summary>
    TimedOut,
}

/// <summary>
/// The timings of one plug or unplug of one CPU, in milliseconds since the request was accepted
/// (null: that step did not happen or has not happened). Plug: thread started, guest CPU_ON seen,
/// guest _OST reported, completed (= CPU_ON). Unplug: guest _OST reported, guest CPU_OFF seen,
/// thread stopped, completed (= thread stopped, or the refusal or timeout).
/// </summary>
public sealed record HotplugTimeline(
    HotplugKind Kind,
    int Slot,
    DateTimeOffset RequestedAt,
    double? ThreadStartedMs,
    double? GuestCpuOnMs,
    double? GuestCpuOffMs,
    double? GuestOstMs,
    double? ThreadStoppedMs,
    double CompletedMs,
    HotplugOutcome Outcome);

/// <summary>
/// The end of one resize (set-vcpus): the CPU count asked for, the CPUs that were plugged and
/// unplugged, those whose unplug failed, and those still unfinished when a newer resize replaced it.
/// </summary>
public sealed record ResizeSummary(
    int Count,
    IReadOnlyList<int> Plugged,
    IReadOnlyList<int> Unplugged,
    IReadOnlyList<int> Failed,
    IReadOnlyList<int> Unfinished,
    double DurationMs);
