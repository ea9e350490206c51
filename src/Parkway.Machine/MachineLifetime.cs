namespace Parkway.Machine;

/// <summary>
/// How the machine ends. The first request wins: a vCPU thread that sees the guest power off, a
/// failing vCPU, or the control plane. <see cref="WaitForExit"/> is what the main thread blocks on.
/// </summary>
public sealed class MachineLifetime
{
    private readonly TaskCompletionSource<MachineExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when an exit was requested.</summary>
    public Task<MachineExit> Exited => _exit.Task;

    /// <summary>Requests the end of the machine; later requests are ignored.</summary>
    public bool RequestExit(int exitCode, string reason, ShutdownCause cause = ShutdownCause.HostError) =>
        _exit.TrySetResult(new MachineExit(exitCode, reason, cause));

    /// <summary>Blocks until an exit is requested.</summary>
    public MachineExit WaitForExit() => _exit.Task.GetAwaiter().GetResult();
}

/// <summary>The process exit code Parkway should return and why.</summary>
public sealed record MachineExit(int ExitCode, string Reason, ShutdownCause Cause);

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
}
