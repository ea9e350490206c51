using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parkway.Qmp;

namespace Parkway.Cli;

/// <summary>
/// <c>parkway snapshot --socket S PATH</c>: QMP <c>migrate</c> to <c>file:PATH</c> on a running
/// Parkway, then waits for the MIGRATION event that ends it and prints one line with the result
/// (the machine stays paused afterwards, as QEMU leaves a migrated source; <c>cont</c> resumes it).
/// Exit 0 when the snapshot was written, 1 when the save failed or the VMM could not be reached.
/// </summary>
internal static class SnapshotCommand
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var socket = new Option<string>("--socket") { Description = "QMP Unix socket of the VMM (the PATH of parkway run --qmp unix:PATH)", Required = true };
        var timeout = new Option<double>("--timeout") { Description = "seconds to wait for the save to end", DefaultValueFactory = _ => 600 };
        var path = new Argument<string>("path") { Description = "the snapshot file to write (replaced if it exists)" };
        var command = new Command("snapshot", "Save a running Parkway to a snapshot file (QMP migrate file:PATH); restore it with parkway run --incoming file:PATH")
        {
            socket, timeout, path,
        };
        command.SetAction(result => Run(result.GetValue(socket)!, Path.GetFullPath(result.GetValue(path)!), TimeSpan.FromSeconds(result.GetValue(timeout))).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> Run(string socketPath, string file, TimeSpan timeout)
    {
        try
        {
            using var deadline = new CancellationTokenSource(timeout + ConnectTimeout);
            await using QmpClient client = await QmpClient.ConnectAsync(socketPath, deadline.Token);
            await client.NegotiateAsync(deadline.Token);
            await client.ExecuteAsync("migrate", new JsonObject { ["uri"] = "file:" + file }, deadline.Token);
            while (await client.ReadEventAsync(deadline.Token) is { } line)
            {
                using JsonDocument document = JsonDocument.Parse(line);
                JsonElement root = document.RootElement;
                if (root.GetProperty("event").GetString() != "MIGRATION")
                {
                    continue;
                }

                string? status = root.GetProperty("data").GetProperty("status").GetString();
                if (status is "completed" or "failed")
                {
                    JsonElement info = await client.ExecuteAsync("query-migrate", null, deadline.Token);
                    if (status == "failed")
                    {
                        string reason = info.TryGetProperty("error-desc", out JsonElement error) ? error.GetString() ?? "" : "unknown reason";
                        Console.Error.WriteLine($"parkway: snapshot failed: {reason}");
                        return ExitCodes.Failure;
                    }

                    Console.WriteLine($"snapshot written to {file}: {info}");
                    return ExitCodes.Success;
                }
            }

            Console.Error.WriteLine($"parkway: {socketPath}: the VMM closed the connection before the snapshot ended");
            return ExitCodes.Failure;
        }
        catch (QmpErrorException e)
        {
            Console.Error.WriteLine($"parkway: {e.ErrorClass}: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"parkway: the snapshot did not end within {timeout.TotalSeconds:0} s");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is SocketException or IOException or JsonException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"parkway: {socketPath}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
