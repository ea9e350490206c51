using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// The fuzzer's client end of one QMP connection: whole writes out, CRLF-terminated lines in. The
/// transport is either in memory (through <see cref="QmpServer.ServeStream"/>: fast, most inputs) or
/// the server's real Unix socket (accept loop and socket streams included).
/// </summary>
internal sealed class FuzzConnection : IDisposable
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Action _halfClose;
    private readonly Action _close;

    private FuzzConnection(PipeReader input, PipeWriter output, Action halfClose, Action close, bool overSocket)
    {
        _input = input;
        _output = output;
        _halfClose = halfClose;
        _close = close;
        OverSocket = overSocket;
    }

    public bool OverSocket { get; }

    /// <summary>The client believes the server is in command mode (capabilities negotiated).</summary>
    public bool Negotiated { get; set; }

    public static FuzzConnection InMemory(QmpServer server)
    {
        var transport = new InMemoryTransport();
        server.ServeStream(transport.ServerStream, transport.CloseServerSide);
        return new FuzzConnection(transport.ClientInput, transport.ClientOutput, () => transport.ClientOutput.Complete(), transport.CloseClientSide, overSocket: false);
    }

    public static FuzzConnection OverUnixSocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        var stream = new NetworkStream(socket, ownsSocket: true);
        PipeReader input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        PipeWriter output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        return new FuzzConnection(input, output, () => socket.Shutdown(SocketShutdown.Send), () =>
        {
            input.Complete();
            output.Complete();
            stream.Dispose();
        }, overSocket: true);
    }

    /// <summary>Sends one write; false when the server no longer reads (it closed the connection).</summary>
    public async Task<bool> WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellation)
    {
        try
        {
            FlushResult result = await _output.WriteAsync(bytes, cancellation);
            return !result.IsCompleted;
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Ends the client's sending side; the server sees end of input and may still answer.</summary>
    public void HalfClose() => _halfClose();

    /// <summary>
    /// The next line without its CRLF, or null once the server closed the connection. Throws
    /// <see cref="FuzzPropertyException"/> for output that is not whole CRLF-terminated lines.
    /// </summary>
    public async Task<byte[]?> ReadLineAsync(CancellationToken cancellation)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _input.ReadAsync(cancellation);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                return null;
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition? newline = buffer.PositionOf((byte)'\n');
            if (newline is { } end)
            {
                byte[] line = buffer.Slice(0, end).ToArray();
                _input.AdvanceTo(buffer.GetPosition(1, end));
                if (line.Length == 0 || line[^1] != '\r')
                {
                    throw new FuzzPropertyException("a reply line does not end with CRLF");
                }

                return line[..^1];
            }

            if (result.IsCompleted)
            {
                long left = buffer.Length;
                _input.AdvanceTo(buffer.End);
                return left == 0 ? null : throw new FuzzPropertyException($"the connection closed after {left} bytes that are not a whole line");
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public void Dispose() => _close();
}
