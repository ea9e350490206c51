using Microsoft.Extensions.Logging;
using Parkway.Machine;
using Parkway.Machine.Config;
using Parkway.Machine.Snapshot;

namespace Parkway.Cli;

/// <summary>
/// <c>parkway run --incoming file:PATH</c>: opens and checks the snapshot before anything is
/// started, refuses options that would change the machine it describes (another --cpus, --memory
/// or --acpi; a kernel, initramfs or command line: the guest comes from the snapshot), and makes the
/// configuration the restored machine runs with: the snapshot's shape, this run's host plumbing
/// (--serial, --qmp, --log-level). Any refusal is one <see cref="ConfigurationException"/> line, exit 2.
/// </summary>
internal sealed class IncomingRestore : IDisposable
{
    private const string FilePrefix = "file:";

    private readonly SnapshotFileReader _file;
    private readonly MachineSnapshot _snapshot;

    private IncomingRestore(SnapshotFileReader file, MachineSnapshot snapshot, VmConfig config)
    {
        _file = file;
        _snapshot = snapshot;
        Config = config;
    }

    /// <summary>Which machine-shaping options the user gave explicitly.</summary>
    public sealed record GivenOptions(bool Cpus, bool Memory, bool Acpi, bool Guest);

    /// <summary>The configuration of the restored machine.</summary>
    public VmConfig Config { get; }

    public static IncomingRestore Open(string source, VmConfig requested, GivenOptions given)
    {
        if (!source.StartsWith(FilePrefix, StringComparison.Ordinal) || source.Length == FilePrefix.Length)
        {
            throw new ConfigurationException($"--incoming: expected file:PATH, got '{source}'");
        }

        if (given.Guest)
        {
            throw new ConfigurationException("--incoming: --kernel, --initramfs and --cmdline cannot be given: the guest comes from the snapshot");
        }

        SnapshotFileReader file;
        MachineSnapshot snapshot;
        try
        {
            file = SnapshotFileReader.Open(source[FilePrefix.Length..]);
        }
        catch (SnapshotFormatException e)
        {
            throw new ConfigurationException($"--incoming: {e.Message}", e);
        }

        try
        {
            snapshot = MachineSnapshotCodec.Decode(file.Section);
            SnapshotMachineConfig saved = snapshot.Machine;
            if (given.Cpus && requested.Cpus != saved.Cpus)
            {
                throw new ConfigurationException($"--incoming: --cpus boot={requested.Cpus.Boot},max={requested.Cpus.Max},{requested.Cpus.Topology} differs from the snapshot's machine (boot={saved.Boot},max={saved.Max},{saved.Topology}); a restore cannot change the machine");
            }

            if (given.Memory && requested.MemoryBytes != saved.MemoryBytes)
            {
                throw new ConfigurationException($"--incoming: --memory {SizeParser.Format(requested.MemoryBytes)} differs from the snapshot's {SizeParser.Format(saved.MemoryBytes)}; a restore cannot change the machine");
            }

            if (given.Acpi && requested.Acpi != saved.Acpi)
            {
                throw new ConfigurationException($"--incoming: --acpi {(requested.Acpi ? "on" : "off")} differs from the snapshot's; a restore cannot change the machine");
            }

            var config = requested with
            {
                KernelPath = saved.KernelPath,
                InitramfsPath = saved.InitramfsPath,
                Cmdline = saved.Cmdline,
                Cpus = saved.Cpus,
                MemoryBytes = saved.MemoryBytes,
                Acpi = saved.Acpi,
            };
            return new IncomingRestore(file, snapshot, config);
        }
        catch (SnapshotFormatException e)
        {
            file.Dispose();
            throw new ConfigurationException($"--incoming: {e.Message}", e);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Builds the machine from the snapshot (MachineFactory picks the architecture).</summary>
    public IMachine Build(ILogger logger) => MachineFactory.BuildFromSnapshot(Config, _snapshot, _file, logger);

    public void Dispose() => _file.Dispose();
}
