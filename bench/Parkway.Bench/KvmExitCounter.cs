namespace Parkway.Bench;

/// <summary>
/// Counts the KVM exits a VM makes, from the host kernel's own statistics (debugfs
/// /sys/kernel/debug/kvm/exits, the sum over the VMs alive). The VM's counters vanish with it, so
/// a sampler thread keeps the largest value seen while the VMM runs; the last ≤ 20 ms of a run
/// can be missed, which is noise next to a boot's ~10^5 exits.
/// </summary>
internal sealed class KvmExitCounter : IDisposable
{
    private const string ExitsFile = "/sys/kernel/debug/kvm/exits";
    private readonly Thread _sampler;
    private volatile bool _stop;
    private long _max;

    private KvmExitCounter()
    {
        _sampler = new Thread(Sample) { IsBackground = true, Name = "kvm-exits" };
        _sampler.Start();
    }

    public static bool Available => File.Exists(ExitsFile);

    public static KvmExitCounter Start() => new();

    public long Stop()
    {
        _stop = true;
        _sampler.Join();
        return Interlocked.Read(ref _max);
    }

    public void Dispose()
    {
        _stop = true;
        _sampler.Join();
    }

    private void Sample()
    {
        while (!_stop)
        {
            if (long.TryParse(File.ReadAllText(ExitsFile).Trim(), out long exits) && exits > Interlocked.Read(ref _max))
            {
                Interlocked.Exchange(ref _max, exits);
            }

            Thread.Sleep(20);
        }
    }
}
