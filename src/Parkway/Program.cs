using System.CommandLine;
using Parkway.Cli;
using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine;
using Parkway.Machine.Config;

namespace Parkway;

/// <summary>
/// The parkway command. Usage mistakes print one line on stderr and exit 2; runtime failures print
/// one line and exit 1; never a stack trace.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        StartupTrace.Mark("Main entered (runtime start-up)");
        var root = new RootCommand("Parkway: a KVM virtual machine monitor with vCPU hot-plug for arm64 guests");
        foreach (Command command in Subcommands(args))
        {
            root.Subcommands.Add(command);
        }

        ParseResult parse = root.Parse(args);
        StartupTrace.Mark("command line parsed");
        if (parse.Errors.Count > 0)
        {
            // "Unrecognized command or argument 'x'" says more than "Required command was not provided".
            System.CommandLine.Parsing.ParseError error = parse.Errors.FirstOrDefault(static e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            Console.Error.WriteLine($"parkway: {error.Message} (see 'parkway --help')");
            return ExitCodes.UsageError;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (ConfigurationException e)
        {
            Console.Error.WriteLine($"parkway: {e.Message}");
            return ExitCodes.UsageError;
        }
        catch (Parkway.Virtio.Devices.VirtioConfigurationException e)
        {
            Console.Error.WriteLine($"parkway: {e.Message}");
            return ExitCodes.UsageError;
        }
        catch (KvmUnavailableException e) when (e.ErrorNumber is Errno.EACCES or Errno.EPERM)
        {
            // Not a fault of the machine: the user lacks what it needs (docs: "Running without root").
            Console.Error.WriteLine($"parkway: {e.Message}");
            return ExitCodes.UsageError;
        }
        catch (KvmException e)
        {
            Console.Error.WriteLine($"parkway: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Console.Error.WriteLine($"parkway: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// The subcommands to parse against: only the one named first when it is a known one (the
    /// others' options would be built for nothing, and building them is a measurable part of
    /// start-up in the arm64 test host, see docs/performance.md), every one otherwise, so that
    /// help and "unrecognized command" messages still see them all.
    /// </summary>
    private static IEnumerable<Command> Subcommands(string[] args)
    {
        string first = args.Length > 0 ? args[0] : string.Empty;
        bool all = first is not ("run" or "check-host" or "acpi" or "qmp" or "resize" or "snapshot");
        if (all || first == "run")
        {
            yield return RunCommand.Create();
        }

        if (all || first == "check-host")
        {
            yield return CheckHostCommand.Create();
        }

        if (all || first == "acpi")
        {
            yield return AcpiDumpCommand.Create();
        }

        if (all || first == "qmp")
        {
            yield return QmpCommand.Create();
        }

        if (all || first == "resize")
        {
            yield return ResizeCommand.Create();
        }

        if (all || first == "snapshot")
        {
            yield return SnapshotCommand.Create();
        }
    }
}
