using System.Net.Sockets;
using System.Text;
using Parkway.Virtio.Devices.Vsock;
using Parkway.Virtio.Events;
using Parkway.Virtio.Transport;

namespace Parkway.Virtio.Tests.Support;

/// <summary>
/// A virtio-vsock device behind a live transport (its real worker thread), a guest driving its rings
/// (<see cref="VsockGuest"/>) and the host side as real Unix sockets in a temporary directory.
/// </summary>
internal sealed class VsockRig : IDisposable
{
    public const ulong Cid = 42;

    public VsockRig(int receiveBuffers = 32)
    {
        SocketPath = Directory.File("v.sock");
        Device = new VirtioVsockDevice("virtio-vsock0", new VsockOptions(Cid, SocketPath), Log.Log, Log.Clock);
        Rx = new QueueFixture(size: 32);
        Tx = new QueueFixture(size: 16, memory: Rx.Memory, region: 1);
        Events = new QueueFixture(size: 4, memory: Rx.Memory, region: 2);
        Transport = new VirtioMmioTransport(Device, Rx.Memory, Interrupt, Log.Log);
        Driver = new MmioDriver(Transport);
        Guest = new VsockGuest(Driver, Rx, Tx, Cid, receiveBuffers: 0);
        Driver.Probe(Rx, Tx, Events);
        Guest.PostReceiveBuffers(receiveBuffers);
    }

    public TempDirectory Directory { get; } = new();

    public string SocketPath { get; }

    public TestLog Log { get; } = new();

    public EventFd Interrupt { get; } = EventFd.Create();

    public VirtioVsockDevice Device { get; }

    public QueueFixture Rx { get; }

    public QueueFixture Tx { get; }

    public QueueFixture Events { get; }

    public VirtioMmioTransport Transport { get; }

    public MmioDriver Driver { get; }

    public VsockGuest Guest { get; }

    /// <summary>A host client on the hybrid socket (blocking, with the hang guard as its timeouts).</summary>
    public Socket ConnectHost()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            ReceiveTimeout = 30_000,
            SendTimeout = 30_000,
        };
        socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        return socket;
    }

    /// <summary>A host service listening where guest connections to <paramref name="port"/> go.</summary>
    public Socket ListenHost(uint port)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint($"{SocketPath}_{port}"));
        socket.Listen(4);
        return socket;
    }

    /// <summary>
    /// The guest connects from <paramref name="guestPort"/> to a host service on
    /// <paramref name="hostPort"/>: the REQUEST is answered with a RESPONSE and the service's end of
    /// the stream is returned (blocking, with the hang guard as its receive timeout).
    /// </summary>
    public Socket GuestConnects(uint guestPort, uint hostPort)
    {
        using Socket listener = ListenHost(hostPort);
        Guest.Send(Guest.Header(VirtioVsock.OpRequest, guestPort, hostPort));
        Assert.Equal(VirtioVsock.OpResponse, Guest.Receive().Header.Op);
        Socket host = listener.Accept();
        host.ReceiveTimeout = 30_000;
        return host;
    }

    /// <summary>
    /// Reads one '\n'-terminated line byte by byte; null when the VMM closed the socket (EOF, or
    /// ECONNRESET when it closed with bytes of ours unread, which is how a refused line ends).
    /// </summary>
    public static string? ReadLine(Socket socket)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            try
            {
                if (socket.Receive(one) != 1)
                {
                    return null;
                }
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                return null;
            }

            if (one[0] == '\n')
            {
                return line.ToString();
            }

            line.Append((char)one[0]);
        }
    }

    public void Dispose()
    {
        Transport.Dispose();
        Device.Dispose();
        Interrupt.Dispose();
        Directory.Dispose();
    }
}
