using System.IO.Pipelines;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// A connected pair of byte streams in memory, standing in for a Unix socket pair: the server gets a
/// duplex <see cref="Stream"/>, the client the raw pipe ends. Same semantics the connection code relies
/// on: writes may be cut or joined by the reader, a full pipe pushes back on the writer, closing tells
/// the other side (end of stream), and bytes already written stay readable after the writer closed.
/// </summary>
internal sealed class InMemoryTransport
{
    // Socket-buffer-like sizes, so backpressure happens at comparable points.
    private static readonly PipeOptions Options = new(UnpooledMemory.Instance, pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false);

    private readonly Pipe _toServer = new(Options);
    private readonly Pipe _toClient = new(Options);

    public InMemoryTransport()
    {
        ServerStream = new DuplexPipeStream(_toServer.Reader, _toClient.Writer);
    }

    /// <summary>What <see cref="QmpServer.ServeStream"/> reads and writes.</summary>
    public Stream ServerStream { get; }

    /// <summary>The client's sending side (to the server).</summary>
    public PipeWriter ClientOutput => _toServer.Writer;

    /// <summary>The client's receiving side (from the server).</summary>
    public PipeReader ClientInput => _toClient.Reader;

    /// <summary>The server closes the connection: like close(2) on a socket, both directions end.</summary>
    public void CloseServerSide() => ServerStream.Dispose();

    /// <summary>The client goes away entirely.</summary>
    public void CloseClientSide()
    {
        _toServer.Writer.Complete();
        _toClient.Reader.Complete();
    }

    /// <summary>A <see cref="Stream"/> over one pipe's reader and another pipe's writer.</summary>
    private sealed class DuplexPipeStream(PipeReader input, PipeWriter output) : Stream
    {
        private readonly Stream _input = input.AsStream();
        private readonly Stream _output = output.AsStream();
        private int _disposed;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _input.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _input.ReadAsync(buffer, offset, count, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _output.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _output.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => _output.Write(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                // Completing the pipe ends (not disposing the adapter streams) is what the peer observes.
                input.Complete();
                output.Complete();
            }

            base.Dispose(disposing);
        }
    }
}
