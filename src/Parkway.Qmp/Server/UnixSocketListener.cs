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

        bool replaceStale = ClaimPath(path, endPoint);

        // The socket is bound under a private temporary name and renamed into place, for two reasons:
        // it appears at PATH already mode 0600 and listening (no window with a wider mode, no window
        // where clients get ECONNREFUSED), and .NET's Socket.Dispose unlinks the path it bound, which
        // would delete whatever file sits at PATH at exit, even one that replaced ours. Disposing now
        // unlinks the (long gone) temporary name; PATH is removed by Remove() after an identity check.
        // chmod rather than umask: the umask is process-wide and racy with other threads creating files.
        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        string temporary = Path.Combine(directory, ".qmp" + Guid.NewGuid().ToString("N")[..10]);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(temporary));
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(Backlog);
            // Without overwrite, File.Move fails if something appeared at PATH since the check.
            File.Move(temporary, path, overwrite: replaceStale);
            identity = FileStatus.Get(path) ?? throw new IOException($"QMP socket {path} vanished right after it was created");
            return socket;
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            socket.Dispose();
            TryDelete(temporary);
            throw new IOException($"cannot listen on QMP socket {path}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            TryDelete(temporary);
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

    /// <summary>Checks what is at <paramref name="path"/>; true when it is a stale socket to replace.</summary>
    private static bool ClaimPath(string path, UnixDomainSocketEndPoint endPoint)
    {
        FileStatus.Identity? existing = FileStatus.Get(path);
        if (existing is null)
        {
            return false;
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
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is not (SocketError.WouldBlock or SocketError.InProgress or SocketError.TryAgain))
        {
            throw new QmpSocketInUseException($"QMP socket {path} exists and cannot be probed ({e.Message}); refusing to replace it", e);
        }

        throw new QmpSocketInUseException($"QMP socket {path} is in use: another process is listening on it");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
