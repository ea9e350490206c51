namespace Parkway.Machine;

/// <summary>
/// How the machine ends, and when it resets. The first exit request wins: a vCPU thread that sees
/// the guest power off, a failing vCPU, or the control plane. A reset request (the guest's PSCI
/// SYSTEM_RESET, QMP system_reset) either becomes an exit (<see cref="OnReset"/> = exit, as
/// Firecracker does) or wakes the thread in <see cref="WaitForExitOrReset"/>, which resets the
/// machine in place. <see cref="WaitForExit"/> is what the main thread blocks on without resets.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification =
    "The wake event never allocates a kernel handle (no WaitHandle use); the machine and its control plane may wait on it until the process ends.")]
public sealed class MachineLifetime
{
    private readonly TaskCompletionSource<MachineExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _wake = new(initialState: false);
    // 0: no reset pending, else 1 + (int)ResetCause of the first request since the last reset.
    private int _pendingReset;

    /// <summary>Completes when an exit was requested.</summary>
    public Task<MachineExit> Exited => _exit.Task;

    /// <summary>What a reset request does (CLI <c>--on-reset</c>); reboot by default, as in QEMU.</summary>
    public ResetAction OnReset { get; set; } = ResetAction.Reboot;

    /// <summary>
    /// Raised (on the thread that ran the reset, with no machine lock held) once the machine was
    /// reset and before its vCPUs run again: QMP's RESET event.
    /// </summary>
    public event Action<ResetCause>? ResetDone;

    /// <summary>Requests the end of the machine; later requests are ignored.</summary>
    public bool RequestExit(int exitCode, string reason, ShutdownCause cause = ShutdownCause.HostError)
    {
        bool first = _exit.TrySetResult(new MachineExit(exitCode, reason, cause));
        _wake.Set();
        return first;
    }

    /// <summary>
    /// Requests a reset. With <see cref="ResetAction.Exit"/> the machine ends with exit 0 instead
    /// (SHUTDOWN reason guest-reset or host-qmp-system-reset). Requests made while one is pending
    /// are merged into it.
    /// </summary>
    public void RequestReset(ResetCause cause)
    {
        if (OnReset == ResetAction.Exit)
        {
            RequestExit(0, cause == ResetCause.Guest ? "guest reset" : "system_reset requested over QMP",
                cause == ResetCause.Guest ? ShutdownCause.GuestReset : ShutdownCause.HostQmpSystemReset);
            return;
        }

        Interlocked.CompareExchange(ref _pendingReset, 1 + (int)cause, 0);
        _wake.Set();
    }

    /// <summary>Blocks until an exit is requested.</summary>
    public MachineExit WaitForExit() => _exit.Task.GetAwaiter().GetResult();

    /// <summary>
    /// Blocks until an exit or a reset is requested. An exit wins over a pending reset. Returns the
    /// exit, or null with <paramref name="reset"/> set: the caller resets the machine, then calls
    /// <see cref="ReportReset"/>.
    /// </summary>
    public MachineExit? WaitForExitOrReset(out ResetCause reset)
    {
        while (true)
        {
            _wake.Reset();
            if (_exit.Task.IsCompleted)
            {
                reset = default;
                return _exit.Task.Result;
            }

            int pending = Interlocked.Exchange(ref _pendingReset, 0);
            if (pending != 0)
            {
                reset = (ResetCause)(pending - 1);
                return null;
            }

            _wake.Wait();
        }
    }

    /// <summary>Raises <see cref="ResetDone"/> (the machine calls it once its reset is complete).</summary>
    public void ReportReset(ResetCause cause) => ResetDone?.Invoke(cause);
}

/// <summary>The process exit code Parkway should return and why.</summary>
public sealed record MachineExit(int ExitCode, string Reason, ShutdownCause Cause);

/// <summary>What a reset request does (<c>--on-reset</c>).</summary>
public enum ResetAction
{
    /// <summary>Reset the machine in place and boot the guest again (QEMU's default).</summary>
    Reboot,
    /// <summary>End the machine with exit 0 (Firecracker's behaviour, QEMU's <c>-no-reboot</c>).</summary>
    Exit,
}

/// <summary>Who asked for a reset (QEMU's RESET event: guest true/false and its reason).</summary>
public enum ResetCause
{
    /// <summary>The guest (PSCI SYSTEM_RESET): reason guest-reset.</summary>
    Guest,
    /// <summary>QMP system_reset: reason host-qmp-system-reset.</summary>
    HostQmpSystemReset,
}

/// <summary>Why the machine ended (QEMU's ShutdownCause, reported in the SHUTDOWN event).</summary>
public enum ShutdownCause
{
    /// <summary>A host-side failure.</summary>
    HostError,
    /// <summary>The control plane asked (QMP quit).</summary>
    HostQmpQuit,
    /// <summary>A signal to the Parkway process.</summary>
    HostSignal,
    /// <summary>The guest powered off.</summary>
    GuestShutdown,
    /// <summary>The guest asked for a reset.</summary>
    GuestReset,
    /// <summary>The guest reported a panic/crash.</summary>
    GuestPanic,
    /// <summary>QMP system_reset with <c>--on-reset exit</c>.</summary>
    HostQmpSystemReset,
}
