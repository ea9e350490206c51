using System.Net.Sockets;

namespace Parkway.Virtio.Devices.Vsock;

/// <summary>
/// Non-blocking Unix stream sockets for the hybrid host side (BCL sockets, used only with their
/// synchronous calls, so the runtime's own event loop never sees them; the device worker polls
/// their descriptors).
/// </summary>
internal static class UnixStreams
{
    /// <summary>Binds and listens at <paramref name="path"/>.</summary>
    public static Socket Listen(string path, int backlog)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(backlog);
            socket.Blocking = false;
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The next waiting client, or null when none is waiting (or accept failed).</summary>
    public static Socket? TryAccept(Socket listener)
    {
        try
        {
            Socket accepted = listener.Accept();
            accepted.Blocking = false;
            return accepted;
        }
        catch (SocketException)
        {
            return null; // EAGAIN, or a client that went away before accept: nothing to serve
        }
    }

    /// <summary>
    /// Connects to <paramref name="path"/> without blocking; null when nobody listens there or its
    /// backlog is full (a Unix connect either completes at once or fails with EAGAIN).
    /// </summary>
    public static Socket? TryConnect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Blocking = false;
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>The raw descriptor number for poll(2).</summary>
    public static int Fd(Socket socket) => (int)socket.Handle;
}
