using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Parkway.Control;
using Parkway.Machine;
using Parkway.Machine.Config;
using Parkway.Qmp;
using Parkway.Seccomp;
using Parkway.Virtio.Devices.Block;
using Parkway.Virtio.Devices.Net;
using Parkway.Virtio.Devices.Vsock;

namespace Parkway.Cli;

/// <summary><c>parkway run</c>: builds the VM, boots the guest and runs it until it powers off.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var kernel = new Option<string?>("--kernel") { Description = "arm64 Linux Image to boot (required unless --incoming)" };
        var incoming = new Option<string?>("--incoming") { Description = "restore the machine from a snapshot: file:PATH (written by QMP migrate / parkway snapshot)" };
        var initramfs = new Option<string?>("--initramfs") { Description = "initramfs (cpio) to pass to the kernel" };
        var cmdline = new Option<string>("--cmdline") { Description = "kernel command line", DefaultValueFactory = _ => "console=ttyAMA0" };
        var cpus = CommonOptions.Cpus(required: false);
        var memory = CommonOptions.Memory();
        var serial = new Option<string>("--serial") { Description = "guest console: stdio, off or file=PATH", DefaultValueFactory = _ => "stdio" };
        var acpi = new Option<string>("--acpi") { Description = "describe the machine with ACPI (on) or a device tree only (off)", DefaultValueFactory = _ => "on" };
        var qmp = new Option<string?>("--qmp") { Description = "QMP control socket: unix:PATH" };
        var unplugTimeout = new Option<string?>("--unplug-timeout")
        {
            Description = "seconds the guest has to eject a CPU after device_del; then DEVICE_UNPLUG_GUEST_ERROR and the request is dropped",
        };
        var metrics = new Option<string?>("--metrics") { Description = "append metrics as JSON lines to this file, periodically and at exit (docs/metrics.md)" };
        var metricsInterval = new Option<string?>("--metrics-interval") { Description = "seconds between metrics lines (default 60)" };
        var disk = new Option<string[]>("--disk") { Description = "virtio-blk disk: path=FILE[,readonly=on][,id=ID][,serial=S] (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var net = new Option<string[]>("--net") { Description = "virtio-net NIC on an existing tap: tap=NAME[,mac=MAC][,id=ID] (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var console = new Option<string>("--console") { Description = "guest console device: pl011 (ttyAMA0, output only) or virtio (hvc0, beside the PL011; with --serial stdio it also reads stdin); output goes where --serial says", DefaultValueFactory = _ => "pl011" };
        var rng = new Option<string>("--rng") { Description = "virtio-rng entropy device fed by the host's getrandom: on or off", DefaultValueFactory = _ => "off" };
        var vsock = new Option<string?>("--vsock")
        {
            Description = "virtio-vsock with a hybrid vsock host side: cid=N,socket=PATH (host programs connect to PATH and write 'CONNECT <port>\\n'; guest connections to host port P reach PATH_P)",
        };
        var onReset = new Option<string>("--on-reset")
        {
            Description = "what a guest reset (or QMP system_reset) does: reboot the guest in this process, or exit with 0",
            DefaultValueFactory = _ => "reboot",
        };
        var seccomp = new Option<string>("--seccomp")
        {
            Description = "seccomp filters on every thread: on (a forbidden call kills the process), log (allowed, logged by the kernel's audit), off",
            DefaultValueFactory = _ => "on",
        };
        var logLevel = CommonOptions.LogLevelOption();

        var command = new Command("run", "Boot an arm64 Linux guest; every possible vCPU is created at start, the unplugged ones parked")
        {
            kernel, initramfs, cmdline, cpus, memory, serial, acpi, qmp, disk, net, console, rng, vsock, unplugTimeout, metrics, metricsInterval, onReset, seccomp, logLevel, incoming,
        };
        command.SetAction(result =>
        {
            LogLevel level = CommonOptions.ParseLogLevel(result.GetValue(logLevel)!);
            if (result.GetValue(incoming) is null && result.GetValue(kernel) is null)
            {
                throw new ConfigurationException("Option '--kernel' is required (or --incoming file:PATH to restore a snapshot).");
            }

            var config = new VmConfig(
                KernelPath: result.GetValue(kernel) ?? string.Empty,
                InitramfsPath: result.GetValue(initramfs),
                Cmdline: result.GetValue(cmdline)!,
                Cpus: CpuConfig.Parse(result.GetValue(cpus)!),
                MemoryBytes: SizeParser.Parse(result.GetValue(memory)!, "--memory"),
                Serial: SerialConfig.Parse(result.GetValue(serial)!),
                Acpi: CommonOptions.ParseOnOff(result.GetValue(acpi)!, "--acpi"),
                QmpSocketPath: ParseQmp(result.GetValue(qmp)),
                Devices: new DeviceConfig(
                    [.. (result.GetValue(disk) ?? []).Select(BlockOptionsParser.Parse)],
                    [.. (result.GetValue(net) ?? []).Select(NetOptionsParser.Parse)],
                    DeviceConfig.ParseConsole(result.GetValue(console)!),
                    CommonOptions.ParseOnOff(result.GetValue(rng)!, "--rng"),
                    result.GetValue(vsock) is { } vsockText ? VsockOptionsParser.Parse(vsockText) : null));
            if (config.Cpus.HotpluggableBoot && !config.Acpi)
            {
                throw new ConfigurationException("--cpus: hotpluggable-boot=on needs --acpi on (a device tree cannot describe a CPU the guest may eject)");
            }

            var options = new RunOptions(
                ParseSeconds(result.GetValue(unplugTimeout), "--unplug-timeout"),
                result.GetValue(metrics),
                ParseSeconds(result.GetValue(metricsInterval), "--metrics-interval") ?? TimeSpan.FromSeconds(60),
                ParseOnReset(result.GetValue(onReset)!),
                ParseSeccomp(result.GetValue(seccomp)!));
            if (result.GetValue(metricsInterval) is not null && options.MetricsPath is null)
            {
                throw new ConfigurationException("--metrics-interval: needs --metrics PATH");
            }

            if (result.GetValue(incoming) is { } source)
            {
                var given = new IncomingRestore.GivenOptions(
                    result.GetResult(cpus) is { Implicit: false },
                    result.GetResult(memory) is { Implicit: false },
                    result.GetResult(acpi) is { Implicit: false },
                    result.GetValue(kernel) is not null || result.GetValue(initramfs) is not null || result.GetResult(cmdline) is { Implicit: false });
                IncomingRestore restore = IncomingRestore.Open(source, config, given);
                try
                {
                    return Run(restore.Config, level, options, restore.Build);
                }
                finally
                {
                    restore.Dispose();
                }
            }

            return Run(config, level, options, logger => MachineFactory.Build(config, logger));
        });
        return command;
    }

    private static string? ParseQmp(string? text) => text switch
    {
        null => null,
        _ when text.StartsWith("unix:", StringComparison.Ordinal) && text.Length > 5 => text[5..],
        _ => throw new ConfigurationException($"--qmp: expected unix:PATH, got '{text}'"),
    };

    /// <summary>A positive number of seconds (fractions allowed), or null when the option is absent.</summary>
    internal static TimeSpan? ParseSeconds(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out double seconds)
            || seconds <= 0 || seconds > TimeSpan.FromDays(1).TotalSeconds)
        {
            throw new ConfigurationException($"{option}: expected a number of seconds between 0 and 86400, got '{text}'");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The run options that are not part of the machine's configuration.</summary>
    private sealed record RunOptions(TimeSpan? UnplugTimeout, string? MetricsPath, TimeSpan MetricsInterval, ResetAction OnReset, SeccompMode Seccomp);

    /// <summary><c>--on-reset reboot|exit</c>.</summary>
    internal static ResetAction ParseOnReset(string text) => text switch
    {
        "reboot" => ResetAction.Reboot,
        "exit" => ResetAction.Exit,
        _ => throw new ConfigurationException($"--on-reset: expected reboot or exit, got '{text}'"),
    };

    private static SeccompMode ParseSeccomp(string text) =>
        SeccompModeParser.TryParse(text) ?? throw new ConfigurationException($"--seccomp: expected on, log or off, got '{text}'");

    private static int Run(VmConfig config, LogLevel level, RunOptions options, Func<ILogger, IMachine> build)
    {
        using ILoggerFactory loggers = CommonOptions.CreateLoggerFactory(level);
        ILogger logger = loggers.CreateLogger("parkway");
        StartupTrace.Mark("logging set up");
        using MetricsWriter? metrics = options.MetricsPath is { } path ? MetricsWriter.Open(path) : null;
        using IMachine machine = build(logger);
        machine.Hotplug.UnplugTimeout = options.UnplugTimeout;
        machine.Lifetime.OnReset = options.OnReset;
        using var control = new QmpMachine(machine);
        using QmpServer? server = config.QmpSocketPath is { } socket ? StartQmp(socket, control, logger) : null;
        metrics?.Start(machine, () => server?.Counters, options.MetricsInterval);
        // QMP clients are what allocates once the guest runs; without a monitor there is nothing to
        // trim, and no timer thread is started for it.
        using ManagedMemoryTrimmer? trimmer = server is null ? null : ManagedMemoryTrimmer.Start(logger);
        StartupTrace.Mark("control plane ready");

        // SIGINT/SIGTERM stop the machine cleanly (vCPU threads joined, console flushed).
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            machine.Lifetime.RequestExit(130, "interrupted (SIGINT)", ShutdownCause.HostSignal);
        });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            machine.Lifetime.RequestExit(143, "terminated (SIGTERM)", ShutdownCause.HostSignal);
        });

        // Built, devices open, control plane listening: from here on every thread runs under the
        // seccomp allow-lists (docs/reliability.md), before the first vCPU enters the guest.
        // The runtime opens files the first time the console is used (the terminal database named
        // by TERM) and the time zone is asked for (zoneinfo); under the filters no thread may open a
        // file, and the first log line may come from a vCPU thread. So both are set up now.
        _ = Console.Out;
        Console.Error.Flush();
        _ = TimeZoneInfo.Local;
        SeccompConfinement.Apply(options.Seccomp);
        StartupTrace.Mark("seccomp filters installed");

        MachineExit exit = machine.Run();
        metrics?.Write();
        control.ReportShutdown(exit);
        return exit.ExitCode;
    }

    private static QmpServer StartQmp(string socket, QmpMachine control, ILogger logger)
    {
        var version = new QmpVersionInfo(9, 2, 0, $"parkway {typeof(RunCommand).Assembly.GetName().Version}");
        try
        {
            return QmpServer.Start(socket, control, version, message => QmpLog.Message(logger, message));
        }
        catch (QmpSocketInUseException e)
        {
            throw new ConfigurationException($"--qmp: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Most often the socket's directory is not this user's to write (docs: "Running without root").
            throw new ConfigurationException($"--qmp: {e.Message} (the socket's directory must exist and be writable by this user)", e);
        }
    }
}
