using System.CommandLine;
using System.Globalization;

namespace Parkway.Cli;

/// <summary>
/// <c>parkway resize --socket PATH N</c>: QMP <c>set-vcpus</c> with <c>count=N</c> against a running
/// Parkway. Returns once the VMM accepted the resize; with <c>--events SECONDS</c> it then prints
/// the per-CPU events and the final <c>VCPUS_RESIZED</c> as they arrive. Exit codes as <c>parkway qmp</c>.
/// </summary>
internal static class ResizeCommand
{
    public static Command Create()
    {
        var socket = new Option<string>("--socket") { Description = "QMP Unix socket of the VMM (the PATH of parkway run --qmp unix:PATH)", Required = true };
        var events = new Option<double>("--events") { Description = "after the request, print events as they arrive for this many seconds" };
        var unplugTimeout = new Option<double?>("--unplug-timeout") { Description = "seconds the guest has to eject each CPU of this resize (overrides parkway run --unplug-timeout)" };
        var count = new Argument<int>("count") { Description = "the number of CPUs the guest should have plugged" };
        var command = new Command("resize", "Plug or unplug CPUs of a running Parkway until COUNT are plugged (QMP set-vcpus), e.g.: parkway resize --socket /run/vm.qmp 6")
        {
            socket, events, unplugTimeout, count,
        };
        command.SetAction(result => QmpCommand.Run(
            result.GetValue(socket)!,
            rawRequest: null,
            result.GetValue(events),
            [
                "set-vcpus",
                "count=" + result.GetValue(count).ToString(CultureInfo.InvariantCulture),
                .. result.GetValue(unplugTimeout) is { } seconds ? ["unplug-timeout=" + seconds.ToString("R", CultureInfo.InvariantCulture)] : Array.Empty<string>(),
            ]).GetAwaiter().GetResult());
        return command;
    }
}
