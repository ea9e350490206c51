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
    public bool RequestExit(int exitCode, string reason) => _exit.TrySetResult(new MachineExit(exitCode, reason));

    /// <summary>Blocks until an exit is requested.</summary>
    public MachineExit WaitForExit() => _exit.Task.GetAwaiter().GetResult();
}

/// <summary>The process exit code Parkway should return and why.</summary>
public sealed record MachineExit(int ExitCode, string Reason);
