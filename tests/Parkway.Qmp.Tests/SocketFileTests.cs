using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;

namespace Parkway.Qmp.Tests;

[SupportedOSPlatform("linux")]
public sealed class SocketFileTests : IDisposable
{
    private static readonly QmpVersionInfo Version = new(9, 2, 0);
    private readonly TempDirectory _directory = TempDirectory.Create();

    public void Dispose() => _directory.Dispose();

    private string PathFor(string name) => Path.Combine(_directory.Path, name);

    [Fact]
    public void The_socket_is_created_with_mode_0600()
    {
        string path = PathFor("m.sock");
        using QmpServer server = QmpServer.Start(path, new FakeMachine(), Version);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Only_the_socket_appears_in_its_directory_and_nothing_is_left_after_dispose()
    {
        string path = PathFor("only.sock");
        QmpServer server = QmpServer.Start(path, new FakeMachine(), Version);

        Assert.Equal([path], Directory.GetFileSystemEntries(_directory.Path));
        server.Dispose();
        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
    }

    [Fact]
    public void An_existing_regular_file_is_refused_and_left_alone()
    {
        string path = PathFor("disk.img");
        File.WriteAllText(path, "precious");

        var e = Assert.Throws<QmpSocketInUseException>(() => QmpServer.Start(path, new FakeMachine(), Version));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Fact]
    public void An_existing_directory_is_refused()
    {
        string path = PathFor("dir");
        Directory.CreateDirectory(path);

        var e = Assert.Throws<QmpSocketInUseException>(() => QmpServer.Start(path, new FakeMachine(), Version));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public void A_symlink_is_refused_even_if_it_points_at_a_stale_socket()
    {
        string target = CreateStaleSocket(PathFor("stale.sock"));
        string link = PathFor("link.sock");
        File.CreateSymbolicLink(link, target);

        Assert.Throws<QmpSocketInUseException>(() => QmpServer.Start(link, new FakeMachine(), Version));
    }

    [Fact]
    public void A_socket_someone_listens_on_is_refused_and_keeps_working()
    {
        string path = PathFor("live.sock");
        using QmpServer first = QmpServer.Start(path, new FakeMachine(), Version);

        var e = Assert.Throws<QmpSocketInUseException>(() => QmpServer.Start(path, new FakeMachine(), Version));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        using RawQmpConnection client = RawQmpConnection.ConnectNegotiated(path);
        Assert.True(client.Execute("""{"execute": "query-status"}""").TryGetProperty("return", out _));
    }

    [Fact]
    public void A_stale_socket_left_by_a_dead_process_is_replaced()
    {
        string path = CreateStaleSocket(PathFor("stale.sock"));

        using QmpServer server = QmpServer.Start(path, new FakeMachine(), Version);

        using RawQmpConnection client = RawQmpConnection.ConnectNegotiated(path);
        Assert.True(client.Execute("""{"execute": "query-status"}""").TryGetProperty("return", out _));
    }

    [Fact]
    public void A_bound_socket_nobody_listens_on_counts_as_stale()
    {
        string path = PathFor("bound.sock");
        using var notListening = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        notListening.Bind(new UnixDomainSocketEndPoint(path));

        using QmpServer server = QmpServer.Start(path, new FakeMachine(), Version);

        using RawQmpConnection client = RawQmpConnection.ConnectNegotiated(path);
    }

    [Fact]
    public void Dispose_removes_the_socket_file_and_closes_clients()
    {
        string path = PathFor("d.sock");
        QmpServer server = QmpServer.Start(path, new FakeMachine(), Version);
        using RawQmpConnection client = RawQmpConnection.ConnectNegotiated(path);

        server.Dispose();

        Assert.False(File.Exists(path) || Path.Exists(path));
        Assert.True(client.WaitForClose(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Dispose_leaves_a_file_that_replaced_the_socket()
    {
        string path = PathFor("r.sock");
        QmpServer server = QmpServer.Start(path, new FakeMachine(), Version);
        File.Delete(path);
        File.WriteAllText(path, "someone else's");

        server.Dispose();

        Assert.Equal("someone else's", File.ReadAllText(path));
    }

    [Fact]
    public void A_path_too_long_for_a_Unix_socket_is_an_argument_error_naming_it()
    {
        string path = PathFor(new string('s', 120));

        var e = Assert.Throws<ArgumentException>(() => QmpServer.Start(path, new FakeMachine(), Version));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_directory_is_an_IO_error_naming_the_path()
    {
        string path = Path.Combine(_directory.Path, "no", "such", "q.sock");

        var e = Assert.Throws<IOException>(() => QmpServer.Start(path, new FakeMachine(), Version));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A socket file whose owner is gone. .NET unlinks a bound socket's file on dispose, which a killed
    /// VMM never does; a hard link made while it was alive survives, exactly like a crash leftover.
    /// </summary>
    private static string CreateStaleSocket(string path)
    {
        string original = path + ".orig";
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            socket.Bind(new UnixDomainSocketEndPoint(original));
            socket.Listen();
            using Process link = Process.Start(new ProcessStartInfo("ln", [original, path]) { UseShellExecute = false })!;
            link.WaitForExit();
            Assert.Equal(0, link.ExitCode);
        }

        Assert.False(Path.Exists(original));
        Assert.True(Path.Exists(path));
        return path;
    }
}
