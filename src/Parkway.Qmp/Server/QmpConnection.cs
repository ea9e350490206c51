using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;
using Parkway.Qmp.Protocol;

namespace Parkway.Qmp.Server;

/// <summary>
/// One client: a reader loop (split, dispatch, reply) and a writer loop draining one bounded queue,
/// so replies and events reach the socket one whole message at a time, in queue order.
/// </summary>
/// <remarks>
/// Slow clients: the queue is bounded both in messages (<see cref="OutgoingCapacity"/>) and in bytes
/// (<see cref="OutgoingByteLimit"/>, see <see cref="OutgoingBudget"/>). A reply waits for room, so a
/// client that sends but never reads stops being read. Events are offered without waiting; when a
/// client's queue is full it has stopped reading, and it is <b>disconnected</b>, not silently skipped. Dropping events would
/// leave a client waiting forever for a <c>DEVICE_DELETED</c> that was thrown away; a closed connection
/// is visible, and the client can reconnect and re-query the state. Either way the VMM thread raising
/// the event never waits for a client.
/// </remarks>
internal sealed class QmpConnection : IDisposable
{
    /// <summary>Queued messages before a client counts as not reading (QEMU rate-limits chatty events, so this is generous).</summary>
    public const int OutgoingCapacity = 1024;

    /// <summary>Queued bytes before a reply waits and an event disconnects; a few of the largest replies (an echoed 1 MiB id).</summary>
    public const long OutgoingByteLimit = 8L << 20;

    private static readonly TimeSpan QuitReplyDeadline = TimeSpan.FromSeconds(2);

    private readonly Stream _stream;
    private readonly Action _closeTransport;
    private readonly QmpDispatcher _dispatcher;
    private readonly Action<string>? _log;
    private readonly string _name;
    private readonly Channel<Outgoing> _outgoing;
    private readonly CancellationTokenSource _closing = new();
    private readonly OutgoingBudget _budget = new(OutgoingByteLimit);
    private Task _writer = Task.CompletedTask;
    private int _aborted;
    private int _abortQueued;

    /// <summary>A client on an accepted socket.</summary>
    public QmpConnection(Socket socket, QmpDispatcher dispatcher, Action<string>? log, string name)
        : this(new NetworkStream(socket, ownsSocket: false), () => CloseSocket(socket), dispatcher, log, name)
    {
    }

    /// <summary>
    /// A client on any byte stream (in-process clients such as the fuzzer); <paramref name="closeTransport"/>
    /// must make pending reads and writes on <paramref name="stream"/> end and tell the peer the connection is closed.
    /// </summary>
    public QmpConnection(Stream stream, Action closeTransport, QmpDispatcher dispatcher, Action<string>? log, string name)
    {
        _stream = stream;
        _closeTransport = closeTransport;
        _dispatcher = dispatcher;
        _log = log;
        _name = name;
        _outgoing = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(OutgoingCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public QmpSession Session { get; } = new();

    /// <summary>The most bytes this client ever had queued at once.</summary>
    public long PeakQueuedBytes => _budget.Peak;

    /// <summary>The reader loop; completes when the client leaves or the connection is closed.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start(byte[] greeting)
    {
        _budget.TryTake(greeting.Length);
        _outgoing.Writer.TryWrite(new Outgoing(greeting, null));
        _writer = Task.Run(WriteLoopAsync);
        Completion = Task.Run(ReadLoopAsync);
    }

    /// <summary>Queues an event if this client is in command mode. Never blocks.</summary>
    public void DeliverEvent(byte[] message)
    {
        if (!Session.Negotiated || Volatile.Read(ref _aborted) != 0)
        {
            return;
        }

        if ((!_budget.TryTake(message.Length) || !_outgoing.Writer.TryWrite(new Outgoing(message, null)))
            && Interlocked.Exchange(ref _abortQueued, 1) == 0)
        {
            // Off the caller's thread: cancelling socket operations runs callbacks inline.
            ThreadPool.QueueUserWorkItem(static state => state.connection.Abort(state.reason),
                (connection: this, reason: $"not reading: {_budget.Queued} bytes queued"), preferLocal: false);
        }
    }

    /// <summary>Sends what is queued (for at most <paramref name="flushDeadline"/>), then closes.</summary>
    public async Task CloseAsync(TimeSpan flushDeadline)
    {
        _outgoing.Writer.TryComplete();
        await Task.WhenAny(_writer, Task.Delay(flushDeadline)).ConfigureAwait(false);
        Abort(null);
        await Task.WhenAny(Completion, Task.Delay(flushDeadline)).ConfigureAwait(false);
    }

    /// <summary>Closes the socket now; pending reads and writes fail and both loops end.</summary>
    public void Abort(string? reason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        if (reason is not null)
        {
            _log?.Invoke($"qmp: {_name}: disconnecting: {reason}");
        }

        _outgoing.Writer.TryComplete();
        try
        {
            _closing.Cancel();
            _closeTransport();
        }
        catch (ObjectDisposedException)
        {
            // An abort queued to the thread pool (a client that stopped reading) can run while
            // Dispose, whose own Abort found this one already started, releases the token source
            // and the stream: the connection is closing anyway. Seen as a crash in the hostile-guest
            // scenario, whose QMP clients come and go under load.
        }
    }

    /// <summary>Releases the stream and token source; call once <see cref="Completion"/> is done.</summary>
    public void Dispose()
    {
        Abort(null);
        _stream.Dispose();
        _closing.Dispose();
    }

    private static void CloseSocket(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var splitter = new QmpJsonSplitter();
        var frames = new List<QmpInputFrame>();
        try
        {
            bool open = true;
            while (open)
            {
                int read = await _stream.ReadAsync(buffer, _closing.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    // The client closed its sending side; it may still be reading (e.g. socat), so answer what was complete.
                    splitter.Finish(frames);
                    await HandleAsync(frames).ConfigureAwait(false);
                    break;
                }

                splitter.Feed(buffer.AsSpan(0, read), frames);
                open = await HandleAsync(frames).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or ChannelClosedException)
        {
            // The client left or the server is closing: nothing to report to anyone.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug here must cost one connection, never the VMM.
            _log?.Invoke($"qmp: {_name}: closing after an internal error: {e}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _outgoing.Writer.TryComplete();
            await Task.WhenAny(_writer, Task.Delay(QuitReplyDeadline)).ConfigureAwait(false);
            Abort(null);
        }
    }

    private QmpReply InputError(QmpInputFrame frame)
    {
        _dispatcher.Counters.Count(error: true);
        return new QmpReply(QmpMessages.Error(QmpErrorClass.GenericError, frame.Error!, frame.ReadId()));
    }

    /// <summary>Replies to every frame in order; false when the stream cannot continue.</summary>
    private async Task<bool> HandleAsync(List<QmpInputFrame> frames)
    {
        try
        {
            foreach (QmpInputFrame frame in frames)
            {
                QmpReply reply = frame.Json is { } json
                    ? _dispatcher.Dispatch(json, Session)
                    : InputError(frame);

                TaskCompletionSource<bool>? written = reply.AfterWritten is null ? null : new(TaskCreationOptions.RunContinuationsAsynchronously);
                await _budget.TakeAsync(reply.Message.Length, _closing.Token).ConfigureAwait(false);
                await _outgoing.Writer.WriteAsync(new Outgoing(reply.Message, written), _closing.Token).ConfigureAwait(false);
                if (reply.EntersCommandMode)
                {
                    Session.Negotiated = true;
                }

                if (written is not null)
                {
                    // quit: the client must have the reply before the VMM starts going away.
                    await Task.WhenAny(written.Task, Task.Delay(QuitReplyDeadline)).ConfigureAwait(false);
                    reply.AfterWritten!();
                }

                if (frame.Fatal)
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            frames.Clear();
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                while (_outgoing.Reader.TryRead(out Outgoing message))
                {
                    await _stream.WriteAsync(message.Bytes, _closing.Token).ConfigureAwait(false);
                    _budget.Release(message.Bytes.Length);
                    message.Written?.TrySetResult(true);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Abort(null);
        }
        finally
        {
            while (_outgoing.Reader.TryRead(out Outgoing unsent))
            {
                unsent.Written?.TrySetResult(false);
            }
        }
    }

    private readonly record struct Outgoing(byte[] Bytes, TaskCompletionSource<bool>? Written);
}
