using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parkway.Qmp;

/// <summary>
/// A minimal QMP client over a Unix socket (used by <c>parkway qmp</c> and by tests): reads the
/// greeting, negotiates, runs commands one at a time, and keeps events that arrive meanwhile.
/// </summary>
public sealed class QmpClient : IAsyncDisposable, IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly Queue<string> _events = new();

    private QmpClient(Socket socket, JsonElement greeting)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.UTF8);
        Greeting = greeting;
    }

    /// <summary>The server's greeting (<c>{"QMP": {...}}</c>).</summary>
    public JsonElement Greeting { get; private set; }

    /// <summary>Connects and reads the greeting. Socket errors surface as <see cref="SocketException"/>, a silent or odd peer as <see cref="IOException"/>.</summary>
    public static async Task<QmpClient> ConnectAsync(string socketPath, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        QmpClient? client = null;
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
            client = new QmpClient(socket, default);
            string line = await client.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            using JsonDocument greeting = ParseLine(line);
            if (!greeting.RootElement.TryGetProperty("QMP", out _))
            {
                throw new IOException($"{socketPath} did not greet like a QMP server: {line}");
            }

            client.Greeting = greeting.RootElement.Clone();
            return client;
        }
        catch
        {
            if (client is null)
            {
                socket.Dispose();
            }
            else
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary><c>qmp_capabilities</c>: enter command mode.</summary>
    public Task NegotiateAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("qmp_capabilities", null, cancellationToken);

    /// <summary>Runs <paramref name="command"/>; returns its <c>return</c> value or throws <see cref="QmpErrorException"/>.</summary>
    public async Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments = null, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null)
        {
            request["arguments"] = arguments.DeepClone();
        }

        string reply = await SendRawAsync(request.ToJsonString(), cancellationToken).ConfigureAwait(false);
        using JsonDocument document = ParseLine(reply);
        JsonElement root = document.RootElement;
        if (root.TryGetProperty("return", out JsonElement value))
        {
            return value.Clone();
        }

        if (root.TryGetProperty("error", out JsonElement error)
            && error.ValueKind == JsonValueKind.Object
            && error.TryGetProperty("class", out JsonElement errorClass)
            && error.TryGetProperty("desc", out JsonElement description))
        {
            throw new QmpErrorException(errorClass.GetString() ?? "", description.GetString() ?? "");
        }

        throw new IOException($"unexpected QMP reply: {reply}");
    }

    /// <summary>Sends <paramref name="json"/> as is and returns the next reply line (events are kept for <see cref="ReadEventAsync"/>).</summary>
    public async Task<string> SendRawAsync(string json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        byte[] bytes = Encoding.UTF8.GetBytes(json + "\n");
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            string line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (IsEvent(line))
            {
                _events.Enqueue(line);
                continue;
            }

            return line;
        }
    }

    /// <summary>The next event line (queued ones first), or null when the server closed the connection.</summary>
    public async Task<string?> ReadEventAsync(CancellationToken cancellationToken = default)
    {
        if (_events.TryDequeue(out string? queued))
        {
            return queued;
        }

        while (true)
        {
            string? line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null || IsEvent(line))
            {
                return line;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
        _socket.Dispose();
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken) =>
        await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new IOException("the QMP server closed the connection");

    private static bool IsEvent(string line)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("event", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonDocument ParseLine(string line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new IOException($"the QMP server sent invalid JSON: {line}", e);
        }
    }
}
