using System.CommandLine;
using Microsoft.Extensions.Logging;
using Parkway.Logging;
using Parkway.Machine.Config;

namespace Parkway.Cli;

/// <summary>Options shared by several subcommands, and their parsing into validated values.</summary>
internal static class CommonOptions
{
    public static Option<string> Cpus(bool required) => new("--cpus")
    {
        Description = "CPUs: boot=N,max=M[,sockets=S,clusters=C,cores=K,threads=T]",
        Required = required,
        DefaultValueFactory = _ => "boot=1",
    };

    public static Option<string> Memory() => new("--memory")
    {
        Description = "guest RAM, e.g. 512M or 2G",
        DefaultValueFactory = _ => "512M",
    };

    public static Option<string> LogLevelOption() => new("--log-level")
    {
        Description = "error, warning, info or debug (to stderr)",
        DefaultValueFactory = _ => "warning",
    };

    public static LogLevel ParseLogLevel(string text) => text switch
    {
        "error" => LogLevel.Error,
        "warning" or "warn" => LogLevel.Warning,
        "info" => LogLevel.Information,
        "debug" => LogLevel.Debug,
        "trace" => LogLevel.Trace,
        _ => throw new ConfigurationException($"--log-level: expected error, warning, info or debug, got '{text}'"),
    };

    // Built directly rather than through LoggerFactory.Create: that one builds a dependency-injection
    // container and the options machinery first, which cost ~0.3 s of start-up in the test host.
    public static ILoggerFactory CreateLoggerFactory(LogLevel level) =>
        new LoggerFactory([new StderrLoggerProvider(level)], new LoggerFilterOptions { MinLevel = level });

    public static bool ParseOnOff(string text, string option) => text switch
    {
        "on" => true,
        "off" => false,
        _ => throw new ConfigurationException($"{option}: expected on or off, got '{text}'"),
    };
}
