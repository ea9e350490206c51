namespace Parkway.Qmp.Tests;

/// <summary>A server on a fresh socket in a private temp directory, over a <see cref="FakeMachine"/>.</summary>
internal sealed class QmpServerFixture : IDisposable
{
    public static readonly QmpVersionInfo Version = new(7, 2, 22, "parkway-test");

    public QmpServerFixture()
    {
        Directory = TempDirectory.Create();
        SocketPath = Path.Combine(Directory.Path, "qmp.sock");
        Server = QmpServer.Start(SocketPath, Machine, Version, line => Log.Add(line));
    }

    public TempDirectory Directory { get; }

    public string SocketPath { get; }

    public FakeMachine Machine { get; } = new();

    public QmpServer Server { get; }

    public System.Collections.Concurrent.ConcurrentBag<string> Log { get; } = [];

    public RawQmpConnection Connect() => RawQmpConnection.Connect(SocketPath);

    public RawQmpConnection ConnectNegotiated() => RawQmpConnection.ConnectNegotiated(SocketPath);

    public void Dispose()
    {
        Server.Dispose();
        Directory.Dispose();
    }
}
