using System.CommandLine;
using Parkway.Cli;
using Parkway.Interop;
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
        var root = new RootCommand("Parkway: a KVM virtual machine monitor with vCPU hot-plug for arm64 guests")
        {
            RunCommand.Create(),
            CheckHostCommand.Create(),
            AcpiDumpCommand.Create(),
            QmpCommand.Create(),
        };

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
}
