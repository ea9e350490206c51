using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// Runs inputs through a real <see cref="QmpServer"/> (splitter, parser, dispatcher, per-connection
/// reader and writer loops, event fan-out) over a <see cref="RecordingMachine"/>, and checks after every
/// input: each line the server wrote has QEMU's shape; a structure mutant got exactly its predicted
/// reply (id echoed or not); the server logged no internal error and no machine call overlapped another;
/// the connection still answers the next valid command (or, after the client half-closed, closed cleanly
/// and a new connection works); memory and descriptors stay flat over the run.
/// </summary>
internal sealed class QmpFuzzer : IAsyncDisposable
{
    /// <summary>Resets the server's splitter whatever the input left open (QEMU's resynchronisation byte), then the next command.</summary>
    private static readonly byte[] Resync = [0xFF, (byte)'\n'];

    private static readonly JsonDocumentOptions IdOptions = new() { MaxDepth = 4096 };

    private readonly FuzzOptions _options;
    private readonly RecordingMachine _machine = new();
    private readonly ConcurrentQueue<string> _serverLog = new();
    private readonly ConcurrentQueue<string> _unhandled = new();
    private readonly string _directory;
    private readonly QmpServer _server;
    private readonly FuzzResult _result = new();
    private FuzzConnection? _connection;
    private long _connectionInputs;

    public QmpFuzzer(FuzzOptions options)
    {
        _options = options;
        _directory = Directory.CreateTempSubdirectory("parkway-fuzz-").FullName;
        _server = QmpServer.Start(Path.Combine(_directory, "qmp.sock"), _machine, new QmpVersionInfo(7, 2, 22, "parkway-fuzz"), _serverLog.Enqueue);
        _result.Seed = options.Seed;
    }

    /// <summary>What was checked and found so far.</summary>
    public FuzzResult Result => _result;

    public async Task<FuzzResult> RunAsync(IReadOnlyList<byte[]> seeds, string seedDescription, Action<string>? progress = null)
    {
        _result.Seeds = seedDescription;
        var generator = new InputGenerator(seeds, _options.Seed);
        var monitor = new MemoryMonitor();
        long sampleEvery = _options.SampleEvery > 0 ? _options.SampleEvery : Math.Max(1000, _options.Inputs / 200);
        // Warm-up: JIT, and the shared array pools filling with the buffers large inputs need.
        long warmUp = Math.Max(sampleEvery, _options.Inputs / 4);
        UnhandledExceptionEventHandler onUnhandled = (_, e) => _unhandled.Enqueue("unhandled exception: " + e.ExceptionObject);
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, e) => _unhandled.Enqueue("unobserved task exception: " + e.Exception);
        AppDomain.CurrentDomain.UnhandledException += onUnhandled;
        TaskScheduler.UnobservedTaskException += onUnobserved;
        var clock = Stopwatch.StartNew();
        try
        {
            for (long number = 1; number <= _options.Inputs && _result.Failures.Count < _options.MaxDistinctFailures; number++)
            {
                FuzzInput input = generator.Next();
                await RunOneAsync(input, number);
                _result.Inputs = number;
                if (number >= warmUp && number % sampleEvery == 0)
                {
                    await CheckConnectionsSettledAsync(input, number);
                    // A live Unix socket connection holds two descriptors (client and server end).
                    MemoryMonitor.Sample sample = monitor.Take(number, _connection is { OverSocket: true } ? 2 : 0);
                    progress?.Invoke($"{number:N0} inputs, {number / clock.Elapsed.TotalSeconds:N0}/s, heap {MemoryMonitor.Mib(sample.ManagedHeap)}, RSS {MemoryMonitor.Mib(sample.Rss)}, {_result.Shapes.Count} shapes, {_result.Failures.Count} failures");
                }
            }
        }
        finally
        {
            AppDomain.CurrentDomain.UnhandledException -= onUnhandled;
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }

        _result.Elapsed = clock.Elapsed;
        _result.Memory = monitor.Samples;
        _result.MemoryProblems.AddRange(monitor.Judge());
        _result.MachineCalls = _machine.TotalCalls;
        return _result;
    }

    /// <summary>Sends one input and checks every property; a violation is recorded, the connection replaced, and the run goes on.</summary>
    public async Task RunOneAsync(FuzzInput input, long number)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            await EnsureConnectedAsync();
            await ExchangeAsync(_connection!, input, number);
            CheckServerQuiet();
        }
        catch (FuzzPropertyException e)
        {
            Fail(number, e.Message, input);
            DropConnection();
        }
        catch (OperationCanceledException)
        {
            Fail(number, $"no answer within {_options.Deadline.TotalSeconds:F0} s (hang)", input);
            DropConnection();
        }

        if (input.Expected is not null)
        {
            _result.StructuredInputs++;
        }

        TimeSpan took = Stopwatch.GetElapsedTime(started);
        // After the first thousand inputs, so that JIT compilation does not count as slowness.
        if (number > 1000 && (_result.Slowest is not { } slowest || took > slowest.Took))
        {
            // Only a printable prefix is kept: holding the input itself would skew the memory samples.
            _result.Slowest = (number, took, input.Bytes.Length, FuzzFailure.Printable(input.Bytes, 120));
        }
    }

    public async ValueTask DisposeAsync()
    {
        DropConnection();
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task EnsureConnectedAsync()
    {
        if (_connection is not null && _connectionInputs < _options.InputsPerConnection)
        {
            _connectionInputs++;
            return;
        }

        DropConnection();
        long index = _result.Connections++;
        // The first connection is a socket one, so the runtime loads its socket code before memory is sampled.
        bool overSocket = index % 5 == 0;
        _result.SocketConnections += overSocket ? 1 : 0;
        _connection = overSocket ? FuzzConnection.OverUnixSocket(_server.SocketPath) : FuzzConnection.InMemory(_server);
        _connectionInputs = 1;
        using var deadline = new CancellationTokenSource(_options.Deadline);
        ReplyShape greeting = await ReadShapeAsync(_connection, deadline.Token) ?? throw new FuzzPropertyException("a new connection got no greeting");
        if (greeting.Kind != ReplyKind.Greeting)
        {
            throw new FuzzPropertyException($"a new connection began with {greeting.Key}, not the greeting");
        }

        // Most connections negotiate; one in ten stays in capabilities-negotiation mode.
        if (index % 10 != 3)
        {
            await _connection.WriteAsync("{\"execute\": \"qmp_capabilities\"}\n"u8.ToArray(), deadline.Token);
            ReplyShape reply = await ReadShapeAsync(_connection, deadline.Token) ?? throw new FuzzPropertyException("no reply to qmp_capabilities on a new connection");
            if (reply.Kind != ReplyKind.Return)
            {
                throw new FuzzPropertyException($"qmp_capabilities on a new connection got {reply.Key}");
            }

            _connection.Negotiated = true;
        }
    }

    private async Task ExchangeAsync(FuzzConnection connection, FuzzInput input, long number)
    {
        using var deadline = new CancellationTokenSource(_options.Deadline);
        byte[] sentinel = Encoding.ASCII.GetBytes($"{{\"execute\": \"query-status\", \"id\": {{\"fuzz-sentinel\": {number}}}}}\n");
        // Written concurrently with reading: a client that only reads after writing everything would
        // deadlock against a server whose replies fill the connection first.
        Task writer = WriteInputAsync(connection, input, sentinel, deadline.Token);
        var replies = new List<ReplyShape>();
        bool sawReturn = false;
        try
        {
            while (true)
            {
                ReplyShape? shape = await ReadShapeAsync(connection, deadline.Token);
                if (shape is null)
                {
                    if (!input.CloseAfter)
                    {
                        throw new FuzzPropertyException("the server closed the connection" + ServerLogSuffix());
                    }

                    _result.CleanCloses++;
                    DropConnection();
                    break;
                }

                switch (shape.Kind)
                {
                    case ReplyKind.Greeting:
                        throw new FuzzPropertyException("a greeting in the middle of a connection");
                    case ReplyKind.Event when !connection.Negotiated && !sawReturn:
                        throw new FuzzPropertyException($"{shape.Key} sent before capabilities negotiation");
                    case ReplyKind.Event:
                        continue;
                }

                if (IsSentinel(shape, number))
                {
                    CheckSentinel(connection, shape);
                    break;
                }

                sawReturn |= shape.Kind == ReplyKind.Return;
                replies.Add(shape);
            }
        }
        finally
        {
            await writer.WaitAsync(deadline.Token);
        }

        if (input.Expected is { } expected)
        {
            CheckPredicted(expected, replies);
        }

        if (_machine.ConcurrentCalls > 0)
        {
            throw new FuzzPropertyException("two machine calls overlapped (the dispatcher's lock was not held)");
        }
    }

    private static async Task WriteInputAsync(FuzzConnection connection, FuzzInput input, byte[] sentinel, CancellationToken cancellation)
    {
        await Task.Yield();
        foreach (ReadOnlyMemory<byte> write in input.Writes())
        {
            if (!await connection.WriteAsync(write, cancellation))
            {
                return;
            }
        }

        if (input.CloseAfter)
        {
            connection.HalfClose();
            return;
        }

        if (await connection.WriteAsync(Resync, cancellation))
        {
            await connection.WriteAsync(sentinel, cancellation);
        }
    }

    private async Task<ReplyShape?> ReadShapeAsync(FuzzConnection connection, CancellationToken cancellation)
    {
        byte[]? line = await connection.ReadLineAsync(cancellation);
        if (line is null)
        {
            return null;
        }

        ReplyShape shape = ReplyShape.Check(line, out string? problem)
            ?? throw new FuzzPropertyException($"reply not of QEMU's shape ({problem}): {FuzzFailure.Printable(line, 300)}");
        _result.ReplyLines++;
        _result.Shapes[shape.Key] = _result.Shapes.GetValueOrDefault(shape.Key) + 1;
        return shape;
    }

    private static bool IsSentinel(ReplyShape shape, long number) =>
        shape.Id is { ValueKind: JsonValueKind.Object } id
        && id.TryGetProperty("fuzz-sentinel", out JsonElement value)
        && value.TryGetInt64(out long echoed) && echoed == number;

    /// <summary>The command after the input must work: query-status answers, or (never negotiated) QEMU's negotiation refusal.</summary>
    private static void CheckSentinel(FuzzConnection connection, ReplyShape reply)
    {
        if (reply.Kind == ReplyKind.Return)
        {
            JsonElement status = reply.Root.GetProperty("return");
            if (status.ValueKind != JsonValueKind.Object || !status.TryGetProperty("status", out _) || !status.TryGetProperty("running", out _))
            {
                throw new FuzzPropertyException("query-status after the input returned " + status.GetRawText());
            }

            connection.Negotiated = true;
            return;
        }

        if (!connection.Negotiated && reply.Key.StartsWith("error CommandNotFound: Expecting capabilities negotiation", StringComparison.Ordinal))
        {
            return;
        }

        throw new FuzzPropertyException($"the next valid command after the input failed: {reply.Key}");
    }

    private static void CheckPredicted(ExpectedReply expected, List<ReplyShape> replies)
    {
        if (replies.Count != 1)
        {
            throw new FuzzPropertyException($"one well-formed value ({expected.Reason}) got {replies.Count} replies: {string.Join(" | ", replies.Select(r => r.Key))}");
        }

        ReplyShape reply = replies[0];
        if (expected.LimitRefusal)
        {
            if (reply.Kind != ReplyKind.Error)
            {
                throw new FuzzPropertyException($"{expected.Reason} was not refused: {reply.Key}");
            }

            // The splitter echoes the top-level id it saw; it can only be the request's own.
            if (reply.Id is { } limitId && !JsonNode.DeepEquals(JsonNode.Parse(limitId.GetRawText(), documentOptions: IdOptions), expected.Id))
            {
                throw new FuzzPropertyException($"{expected.Reason}: id echoed as {Cut(limitId.GetRawText())}, the request's is {Cut(expected.Id?.ToJsonString() ?? "absent")}");
            }

            return;
        }

        if (!expected.EchoesId)
        {
            if (reply.Id is not null)
            {
                throw new FuzzPropertyException($"reply carries an id where none can be echoed ({expected.Reason}): {reply.Key}");
            }

            if (reply.Kind != ReplyKind.Error && expected.Reason != "object without id")
            {
                throw new FuzzPropertyException($"{expected.Reason} was not refused: {reply.Key}");
            }

            return;
        }

        if (reply.Id is not { } id)
        {
            throw new FuzzPropertyException($"the request's id was not echoed: {reply.Key}");
        }

        JsonNode? echoed = JsonNode.Parse(id.GetRawText(), documentOptions: IdOptions);
        if (!JsonNode.DeepEquals(echoed, expected.Id))
        {
            string sent = expected.Id?.ToJsonString() ?? "null";
            throw new FuzzPropertyException($"id echoed as {Cut(id.GetRawText())}, sent {Cut(sent)}");
        }
    }

    /// <summary>Nothing may reach the server's log: it logs internal errors, non-QMP machine exceptions and dropped clients.</summary>
    private void CheckServerQuiet()
    {
        if (_unhandled.TryDequeue(out string? unhandled))
        {
            throw new FuzzPropertyException(unhandled);
        }

        if (_serverLog.TryDequeue(out string? line))
        {
            throw new FuzzPropertyException("server logged: " + Cut(line));
        }
    }

    /// <summary>Closed connections must leave the server's table (no connection, task or buffer leak).</summary>
    private async Task CheckConnectionsSettledAsync(FuzzInput input, long number)
    {
        int expected = _connection is null ? 0 : 1;
        var clock = Stopwatch.StartNew();
        while (_server.ConnectionCount != expected && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        if (_server.ConnectionCount != expected)
        {
            Fail(number, $"the server still tracks {_server.ConnectionCount} connections, the client has {expected}", input);
        }
    }

    private string ServerLogSuffix() => _serverLog.TryPeek(out string? line) ? $" (server log: {Cut(line)})" : "";

    private void DropConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }

    private void Fail(long number, string message, FuzzInput input)
    {
        var failure = new FuzzFailure(number, message, input);
        _result.FailureCounts[failure.Key] = _result.FailureCounts.GetValueOrDefault(failure.Key) + 1;
        if (_result.FailureCounts[failure.Key] == 1)
        {
            if (_options.SaveFailures)
            {
                failure.Save(Path.Combine(_options.RepositoryRoot, SeedCorpus.RegressionsPath));
            }

            _result.Failures.Add(failure);
        }

        // A failure's log lines belong to it, not to the next input.
        _serverLog.Clear();
        _unhandled.Clear();
    }

    private static string Cut(string text) => text.Length <= 400 ? text : text[..400] + "...";
}
