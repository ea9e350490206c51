using System.Net.Sockets;
using System.Text.Json;
using Parkway.Qmp.Protocol;
using Parkway.Qmp.Server;

namespace Parkway.Qmp;

/// <summary>
/// A QMP (QEMU Machine Protocol) server on a Unix socket, speaking QEMU's wire format to any number of
/// clients at once, in front of an <see cref="IQmpMachine"/>.
/// </summary>
/// <remarks>
/// <para>The greeting advertises no capabilities (<c>"capabilities": []</c>): out-of-band execution
/// (<c>oob</c>, <c>exec-oob</c>) is not offered, as QEMU does for monitors without OOB support. Every
/// command here finishes quickly, and <c>device_del</c> only raises a request, so nothing needs to
/// overtake a blocked command.</para>
/// <para>Socket: created mode 0600; an existing path is reused only if it is a stale socket; the file
/// is removed on dispose. Input may split or join JSON objects freely; output is one object per line,
/// CRLF-terminated, ASCII, with QEMU's separators and member order.</para>
/// </remarks>
public sealed class QmpServer : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan FlushDeadline = TimeSpan.FromSeconds(1);

    private readonly Socket _listener;
    private readonly FileStatus.Identity _socketIdentity;
    private readonly IQmpMachine _machine;
    private readonly QmpDispatcher _dispatcher;
    private readonly byte[] _greeting;
    private readonly Action<string>? _log;
    private readonly Lock _connectionsLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private QmpConnection[] _connections = [];
    private Task _acceptLoop = Task.CompletedTask;
    private int _connectionCounter;
    private long _peakQueuedBytesOfClosed;
    private int _disposed;

    private QmpServer(string socketPath, Socket listener, FileStatus.Identity socketIdentity, IQmpMachine machine, QmpVersionInfo version, Action<string>? log)
    {
        SocketPath = socketPath;
        _listener = listener;
        _socketIdentity = socketIdentity;
        _machine = machine;
        _log = log;
        _dispatcher = new QmpDispatcher(machine, version, log);
        _greeting = QmpMessages.Greeting(version, capabilities: []);
    }

    /// <summary>The Unix socket path clients connect to.</summary>
    public string SocketPath { get; }

    /// <summary>Clients currently connected (negotiated or not).</summary>
    public int ConnectionCount => Volatile.Read(ref _connections).Length;

    /// <summary>The most bytes any one client ever had queued for it (bounded by the per-client limit; for tests).</summary>
    internal long PeakQueuedBytes =>
        Volatile.Read(ref _connections).Select(c => c.PeakQueuedBytes).DefaultIfEmpty(0).Append(Interlocked.Read(ref _peakQueuedBytesOfClosed)).Max();

    /// <summary>Every command accepted in command mode (what <c>query-commands</c> lists).</summary>
    public IEnumerable<string> Commands => _dispatcher.CommandNames;

    /// <summary>Requests answered over all connections, and the errors among them.</summary>
    public QmpRequestCounters Counters => _dispatcher.Counters;

    /// <summary>
    /// Listens on <paramref name="socketPath"/> and starts serving. Throws
    /// <see cref="QmpSocketInUseException"/> when the path exists and is not a stale socket,
    /// <see cref="ArgumentException"/> for an unusable path (e.g. longer than 107 bytes) and
    /// <see cref="IOException"/> when the socket cannot be created.
    /// </summary>
    /// <param name="socketPath">Where to create the socket.</param>
    /// <param name="machine">The VM behind the commands; its events are forwarded to clients.</param>
    /// <param name="version">The QEMU version to advertise.</param>
    /// <param name="log">Receives one line per noteworthy incident (machine exceptions, dropped clients).</param>
    public static QmpServer Start(string socketPath, IQmpMachine machine, QmpVersionInfo version, Action<string>? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(version);
        Socket listener = UnixSocketListener.Listen(socketPath, out FileStatus.Identity identity);
        var server = new QmpServer(socketPath, listener, identity, machine, version, log);
        machine.EventRaised += server.OnEvent;
        server._acceptLoop = Task.Run(server.AcceptLoopAsync);
        return server;
    }

    /// <summary>Stops accepting, flushes what each client has queued (briefly), closes them and removes the socket file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _machine.EventRaised -= OnEvent;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);

        QmpConnection[] connections = Volatile.Read(ref _connections);
        await Task.WhenAll(connections.Select(c => c.CloseAsync(FlushDeadline))).ConfigureAwait(false);
        UnixSocketListener.Remove(SocketPath, _socketIdentity);
        _stopping.Dispose();
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                // E.g. EMFILE: keep serving the clients we have, try again shortly.
                _log?.Invoke($"qmp: accept failed: {e.Message}");
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }

            Serve(new QmpConnection(client, _dispatcher, _log, NextClientName()));
        }
    }

    /// <summary>
    /// Serves a client connected through <paramref name="transport"/> instead of the socket, exactly as
    /// an accepted socket client is served (greeting, commands, events, limits). For in-process clients:
    /// the fuzzer and tests. <paramref name="closeTransport"/> ends the transport when the server closes
    /// the connection.
    /// </summary>
    internal void ServeStream(Stream transport, Action closeTransport)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Serve(new QmpConnection(transport, closeTransport, _dispatcher, _log, NextClientName()));
    }

    private string NextClientName() => $"client {Interlocked.Increment(ref _connectionCounter)}";

    private void Serve(QmpConnection connection)
    {
        lock (_connectionsLock)
        {
            _connections = [.. _connections, connection];
        }

        connection.Start(_greeting);
        _ = ForgetWhenDoneAsync(connection);
    }

    private async Task ForgetWhenDoneAsync(QmpConnection connection)
    {
        await connection.Completion.ConfigureAwait(false);
        lock (_connectionsLock)
        {
            _connections = Array.FindAll(_connections, c => c != connection);
            _peakQueuedBytesOfClosed = Math.Max(_peakQueuedBytesOfClosed, connection.PeakQueuedBytes);
        }

        connection.Dispose();
    }

    /// <summary>Runs on whatever thread raised the event: stamp it once, queue it per client, return.</summary>
    private void OnEvent(QmpEvent qmpEvent)
    {
        byte[] message;
        try
        {
            JsonElement? data = qmpEvent.Data is null
                ? null
                : JsonSerializer.SerializeToElement(qmpEvent.Data, QmpJsonContext.Default.JsonObject);
            message = QmpMessages.Event(qmpEvent.Name, data, DateTimeOffset.UtcNow);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log?.Invoke($"qmp: event {qmpEvent.Name} dropped, its data cannot be written: {e.Message}");
            return;
        }

        foreach (QmpConnection connection in Volatile.Read(ref _connections))
        {
            connection.DeliverEvent(message);
        }
    }
}
