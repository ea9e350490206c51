namespace Parkway.Threading;

/// <summary>
/// The documented lock order (docs/architecture.md): a thread may take a lock only when every lock
/// it already holds has a lower rank. Device locks are leaves: nothing is taken under them.
/// (Rank 0, the QMP server's dispatch lock, lives in Parkway.Qmp and is always outermost.)
/// </summary>
public enum LockRank
{
    /// <summary><c>CpuHotplugController</c>: one control-plane request at a time.</summary>
    HotplugController = 1,

    /// <summary><c>CpuManager</c>: slot state. No ioctl, thread start, wait or event under it.</summary>
    CpuManager = 2,

    /// <summary>Device register models (<c>Pl011Uart</c>, <c>CpuHotplugRegisters</c>): leaves.</summary>
    Device = 3,

    /// <summary>
    /// <c>HotplugRecorder</c>: per-CPU plug/unplug timings, the resize batch and the hot-plug
    /// counters; a leaf (nothing is taken or called under it), taken by the controller and by vCPU
    /// threads reporting guest power events.
    /// </summary>
    HotplugRecords = 4,
}
