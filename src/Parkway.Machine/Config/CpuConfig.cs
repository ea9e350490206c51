namespace Parkway.Machine.Config;

/// <summary>
/// How many CPUs the guest boots with (<see cref="Boot"/>, slots 0..Boot-1) and how many it may
/// ever have (<see cref="Max"/> = every possible slot, all created in KVM at start). With
/// <see cref="HotpluggableBoot"/>, the boot CPUs other than CPU 0 are plugged at start but
/// described as hot-pluggable (MADT Online Capable, _STA enabled), so the guest can eject them.
/// </summary>
public sealed record CpuConfig(int Boot, int Max, CpuTopology Topology, bool HotpluggableBoot = false)
{
    /// <summary>
    /// True for a CPU that is present at boot and can never be unplugged: CPU 0 always, and every
    /// boot CPU unless <see cref="HotpluggableBoot"/>.
    /// </summary>
    public bool IsFixedBootCpu(int index) => index == 0 || (!HotpluggableBoot && index < Boot);

    /// <summary>
    /// A sanity bound applied while parsing, far above any KVM's limit; the real limit is the
    /// host's KVM_CAP_MAX_VCPUS, checked when the VM is built.
    /// </summary>
    public const int AbsoluteMaxCpus = 4096;

    /// <summary>
    /// Parses <c>boot=N,max=M[,sockets=S,clusters=C,cores=K,threads=T][,hotpluggable-boot=on|off]</c>. max defaults to boot.
    /// Unspecified topology levels default to 1, except cores, which takes whatever makes the
    /// product equal max.
    /// </summary>
    public static CpuConfig Parse(string text)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        bool? hotpluggableBoot = null;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || pair[0].Length == 0)
            {
                throw new ConfigurationException($"--cpus: expected key=value, got '{part}' (e.g. boot=2,max=8)");
            }

            string key = pair[0];
            if (key == "hotpluggable-boot")
            {
                hotpluggableBoot = hotpluggableBoot is null ? OnOff(pair[1]) : throw new ConfigurationException($"--cpus: {key} is given twice");
                continue;
            }

            if (key is not ("boot" or "max" or "sockets" or "clusters" or "cores" or "threads"))
            {
                throw new ConfigurationException($"--cpus: unknown key '{key}' (known: boot, max, sockets, clusters, cores, threads, hotpluggable-boot)");
            }

            if (!int.TryParse(pair[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value))
            {
                throw new ConfigurationException($"--cpus: {key}={pair[1]} is not a non-negative integer");
            }

            if (!values.TryAdd(key, value))
            {
                throw new ConfigurationException($"--cpus: {key} is given twice");
            }
        }

        if (!values.TryGetValue("boot", out int boot))
        {
            throw new ConfigurationException("--cpus: boot=N is required (e.g. boot=2,max=8)");
        }

        int max = values.GetValueOrDefault("max", boot);
        if (boot < 1)
        {
            throw new ConfigurationException($"--cpus: boot={boot} must be at least 1");
        }

        if (boot > max)
        {
            throw new ConfigurationException($"--cpus: boot={boot} is greater than max={max}");
        }

        if (max > AbsoluteMaxCpus)
        {
            throw new ConfigurationException($"--cpus: max={max} is above any KVM's limit (Parkway accepts at most {AbsoluteMaxCpus})");
        }

        int sockets = values.GetValueOrDefault("sockets", 1);
        int clusters = values.GetValueOrDefault("clusters", 1);
        int threads = values.GetValueOrDefault("threads", 1);
        if (sockets < 1 || clusters < 1 || threads < 1 || (values.TryGetValue("cores", out int c) && c < 1))
        {
            throw new ConfigurationException("--cpus: sockets, clusters, cores and threads must be at least 1");
        }

        int cores = values.TryGetValue("cores", out int givenCores)
            ? givenCores
            : (int)Math.Max(1, max / ((long)sockets * clusters * threads));
        var topology = new CpuTopology(sockets, clusters, cores, threads);
        if ((long)sockets * clusters * cores * threads != max)
        {
            throw new ConfigurationException(
                $"--cpus: topology sockets={sockets} x clusters={clusters} x cores={cores} x threads={threads} = {(long)sockets * clusters * cores * threads} does not equal max={max}");
        }

        return new CpuConfig(boot, max, topology, hotpluggableBoot ?? false);
    }

    private static bool OnOff(string value) => value switch
    {
        "on" => true,
        "off" => false,
        _ => throw new ConfigurationException($"--cpus: hotpluggable-boot={value}: expected on or off"),
    };
}
