using System.Buffers;
using System.CommandLine;
using System.Net.Sockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parkway.Qmp;

namespace Parkway.Cli;

/// <summary>
/// <c>parkway qmp --socket PATH COMMAND [key=value ...]</c>: one QMP command against a running VMM
/// (Parkway's or QEMU's) for humans and scripts. Prints the <c>return</c> value as indented JSON and
/// exits 0; a QMP error is <c>parkway: qmp: CLASS: DESC</c> on stderr and exit 1; a connection problem
/// one stderr line and exit 1; a usage mistake one stderr line and exit 2.
/// </summary>
internal static class QmpCommand
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var socket = new Option<string>("--socket") { Description = "QMP Unix socket of the VMM (the PATH of parkway run --qmp unix:PATH)", Required = true };
        var raw = new Option<string?>("--raw") { Description = "send this JSON request as is and print the raw reply line" };
        var events = new Option<double>("--events") { Description = "after the command, print events as they arrive for this many seconds" };
        var words = new Argument<string[]>("command")
        {
            Description = "COMMAND [key=value ...]; values that are JSON literals (3, true, null, \"3\", {...}) keep their type, others are strings",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var command = new Command("qmp", "Send one QMP command to a running VMM, e.g.: parkway qmp --socket /run/vm.qmp device_add driver=host-arm-cpu id=cpu4 core-id=4")
        {
            socket, raw, events, words,
        };
        command.SetAction(result => Run(
            result.GetValue(socket)!,
            result.GetValue(raw),
            result.GetValue(events),
            result.GetValue(words) ?? []).GetAwaiter().GetResult());
        return command;
    }

    internal static async Task<int> Run(string socketPath, string? rawRequest, double eventSeconds, string[] words)
    {
        if (!TryPlan(rawRequest, eventSeconds, words, out JsonObject? arguments, out string? usageError))
        {
            return Fail(ExitCodes.UsageError, usageError!);
        }

        QmpClient client;
        try
        {
            using var connecting = new CancellationTokenSource(ConnectTimeout);
            client = await QmpClient.ConnectAsync(socketPath, connecting.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            string reason = e switch
            {
                OperationCanceledException => "no greeting in time",
                // .NET reports ENOENT on a Unix socket connect as "Cannot assign requested address".
                SocketException when !Path.Exists(socketPath) => "no such socket",
                _ => e.Message,
            };
            return Fail(ExitCodes.Failure, $"cannot connect to {socketPath}: {reason}");
        }

        await using (client)
        {
            try
            {
                using (var replying = new CancellationTokenSource(ReplyTimeout))
                {
                    if (rawRequest is not null)
                    {
                        if (!IsCapabilitiesRequest(rawRequest))
                        {
                            await client.NegotiateAsync(replying.Token);
                        }

                        Console.WriteLine(await client.SendRawAsync(rawRequest, replying.Token));
                    }
                    else
                    {
                        await client.NegotiateAsync(replying.Token);
                        JsonElement value = await client.ExecuteAsync(words[0], arguments, replying.Token);
                        Console.WriteLine(Indented(value));
                    }
                }

                if (eventSeconds > 0)
                {
                    await PrintEventsAsync(client, TimeSpan.FromSeconds(eventSeconds));
                }

                return ExitCodes.Success;
            }
            catch (QmpErrorException e)
            {
                return Fail(ExitCodes.Failure, $"{e.ErrorClass}: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                return Fail(ExitCodes.Failure, $"no reply from {socketPath} within {ReplyTimeout.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                return Fail(ExitCodes.Failure, $"{socketPath}: {e.Message}");
            }
        }
    }

    /// <summary>Checks the command line before anything is sent.</summary>
    private static bool TryPlan(string? rawRequest, double eventSeconds, string[] words, out JsonObject? arguments, out string? error)
    {
        arguments = null;
        error = null;
        if (eventSeconds < 0 || double.IsNaN(eventSeconds) || double.IsInfinity(eventSeconds))
        {
            error = $"--events: expected a number of seconds, got {eventSeconds}";
        }
        else if (rawRequest is not null && words.Length > 0)
        {
            error = $"--raw takes the whole request; unexpected '{words[0]}'";
        }
        else if (rawRequest is null && words.Length == 0)
        {
            error = "missing COMMAND (e.g. query-status, query-hotpluggable-cpus, device_add driver=host-arm-cpu id=cpu1 core-id=1)";
        }
        else if (rawRequest is null)
        {
            try
            {
                arguments = words.Length > 1 ? QmpArgumentParser.Parse(words[1..]) : null;
            }
            catch (FormatException e)
            {
                error = e.Message;
            }
        }

        return error is null;
    }

    /// <summary>A raw request that negotiates itself must not be preceded by our own negotiation.</summary>
    private static bool IsCapabilitiesRequest(string rawRequest)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(rawRequest);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("execute", out JsonElement execute)
                && execute.ValueKind == JsonValueKind.String
                && execute.GetString() == "qmp_capabilities";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task PrintEventsAsync(QmpClient client, TimeSpan duration)
    {
        using var listening = new CancellationTokenSource(duration);
        try
        {
            while (await client.ReadEventAsync(listening.Token) is { } line)
            {
                Console.WriteLine(line);
            }
        }
        catch (OperationCanceledException)
        {
            // The listening window is over: that is success.
        }
    }

    private static string Indented(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"parkway: qmp: {message}");
        return exitCode;
    }
}
