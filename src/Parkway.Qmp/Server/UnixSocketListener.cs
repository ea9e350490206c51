using System.Net.Sockets;

namespace Parkway.Qmp.Server;

/// <summary>
/// Creates the listening Unix socket at a path, safely: an existing path is reused only when it is a
/// stale socket (nobody accepts a connection on it); anything else is refused, never deleted.
/// </summary>
internal static class UnixSocketListener
{
    private const int Backlog = 16;

    /// <summary>Binds and listens on <paramref name="path"/> with mode 0600; <paramref name="identity"/> lets the owner delete exactly this file later.</summary>
    public static Socket Listen(string path, out FileStatus.Identity identity)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the QMP server needs Unix file modes (Linux)");
        }

        UnixDomainSocketEndPoint endPoint;
        try
        {
            endPoint = new UnixDomainSocketEndPoint(path);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"QMP socket path '{path}' is not usable: {e.Message}", nameof(path), e);
        }

        ClaimPath(path, endPoint);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(endPoint);
            // chmod between bind() and listen() rather than changing the umask: the umask is process-wide
            // (racy with every other thread creating files), and until listen() any connect() is refused,
            // so nobody can get in through the momentarily wider mode.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            identity = FileStatus.Get(path) ?? throw new IOException($"QMP socket {path} vanished right after bind");
            socket.Listen(Backlog);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"cannot listen on QMP socket {path}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Deletes the socket file only if it is still the one we created (someone may have replaced it).</summary>
    public static void Remove(string path, FileStatus.Identity identity)
    {
        try
        {
            if (FileStatus.Get(path) is { } current && current.SameFileAs(identity))
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
            // Best effort on shutdown: a leftover socket is stale and the next start reuses it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void ClaimPath(string path, UnixDomainSocketEndPoint endPoint)
    {
        FileStatus.Identity? existing = FileStatus.Get(path);
        if (existing is null)
        {
            return;
        }

        if (!existing.Value.IsSocket)
        {
            throw new QmpSocketInUseException($"QMP socket path {path} exists and is not a socket; refusing to replace it");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        // Non-blocking so a live server with a full backlog cannot stall us: that also means "in use".
        probe.Blocking = false;
        try
        {
            probe.Connect(endPoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // Nobody listens: a leftover from a VMM that died. Take it over.
            File.Delete(path);
            return;
        }
        catch (SocketException e) when (e.SocketErrorCode is not (SocketError.WouldBlock or SocketError.InProgress or SocketError.TryAgain))
        {
            throw new QmpSocketInUseException($"QMP socket {path} exists and cannot be probed ({e.Message}); refusing to replace it", e);
        }

        throw new QmpSocketInUseException($"QMP socket {path} is in use: another process is listening on it");
    }
}
