namespace Parkway.Machine.Cpu;

/// <summary>
/// The VM-wide run/pause switch every vCPU thread checks before entering the guest. While closed,
/// vCPU threads wait here, in userspace, outside KVM_RUN (so their vCPUs can be inspected and the
/// control plane never waits on a vCPU inside the guest).
/// </summary>
internal sealed class VcpuRunGate : IDisposable
{
    private readonly ManualResetEventSlim _open = new(initialState: true);

    public bool IsOpen => _open.IsSet;

    public void Open() => _open.Set();

    public void Close() => _open.Reset();

    /// <summary>Blocks while the gate is closed; returns early when <paramref name="shouldLeave"/> becomes true (polled).</summary>
    public void WaitWhileClosed(Func<bool> shouldLeave)
    {
        while (!_open.Wait(TimeSpan.FromMilliseconds(50)))
        {
            if (shouldLeave())
            {
                return;
            }
        }
    }

    public void Dispose() => _open.Dispose();
}
