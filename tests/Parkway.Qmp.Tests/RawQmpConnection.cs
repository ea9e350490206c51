using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Parkway.Qmp.Tests;

/// <summary>A byte-level test client: writes exactly what a test says, reads CRLF-terminated lines with a deadline.</summary>
internal sealed class RawQmpConnection : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly List<byte> _pending = [];
    private readonly byte[] _buffer = new byte[64 * 1024];

    private RawQmpConnection(Socket socket) => _socket = socket;

    public static RawQmpConnection Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return new RawQmpConnection(socket);
    }

    /// <summary>Connects, reads the greeting and negotiates.</summary>
    public static RawQmpConnection ConnectNegotiated(string path)
    {
        RawQmpConnection connection = Connect(path);
        connection.ReadLine();
        connection.Send("""{"execute": "qmp_capabilities"}""");
        JsonElement reply = connection.ReadJson();
        Assert.True(reply.TryGetProperty("return", out _), reply.GetRawText());
        return connection;
    }

    public Socket Socket => _socket;

    public void Send(string text) => SendBytes(Encoding.UTF8.GetBytes(text));

    public void SendBytes(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += _socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
        }
    }

    /// <summary>One server line without its CRLF; fails the test if none arrives in time or the line is not CRLF-terminated.</summary>
    public string ReadLine() => TryReadLine(Deadline) ?? throw new Xunit.Sdk.XunitException("the server closed the connection");

    public JsonElement ReadJson()
    {
        string line = ReadLine();
        using JsonDocument document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 2048 });
        return document.RootElement.Clone();
    }

    /// <summary>Next line that is not an event.</summary>
    public JsonElement ReadReply()
    {
        while (true)
        {
            JsonElement message = ReadJson();
            if (!message.TryGetProperty("event", out _))
            {
                return message;
            }
        }
    }

    public JsonElement Execute(string json)
    {
        Send(json);
        return ReadReply();
    }

    /// <summary>A line, or null at end of stream; throws on timeout.</summary>
    public string? TryReadLine(TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            int newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                byte[] line = _pending.GetRange(0, newline + 1).ToArray();
                _pending.RemoveRange(0, newline + 1);
                Assert.True(line.Length >= 2 && line[^2] == '\r', "QMP lines end with CRLF");
                return Encoding.ASCII.GetString(line, 0, line.Length - 2);
            }

            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("no line from the QMP server in time");
            }

            _socket.ReceiveTimeout = Math.Max(1, (int)left.TotalMilliseconds);
            int read;
            try
            {
                read = _socket.Receive(_buffer);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || e.SocketErrorCode == SocketError.WouldBlock)
            {
                throw new TimeoutException("no line from the QMP server in time", e);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _pending.AddRange(_buffer.AsSpan(0, read).ToArray());
        }
    }

    /// <summary>True when the server closes the connection (after any remaining lines) within the timeout.</summary>
    public bool WaitForClose(TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (TryReadLine(deadline - DateTime.UtcNow) is null)
                {
                    return true;
                }
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        return false;
    }

    public void Dispose() => _socket.Dispose();
}
