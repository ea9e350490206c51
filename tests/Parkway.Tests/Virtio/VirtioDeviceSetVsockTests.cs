using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Machine.Config;
using Parkway.Machine.Virtio;
using Parkway.Virtio.Description;
using Parkway.Virtio.Devices;
using Parkway.Virtio.Devices.Vsock;

namespace Parkway.Tests.Virtio;

/// <summary>
/// The machine's side of --vsock without KVM: which slot the device takes, that its socket is
/// listening from <see cref="VirtioDeviceSet.Open"/> on, and that the set removes it at the end.
/// </summary>
public sealed class VirtioDeviceSetVsockTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("parkway-vsock-set-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Vsock_takes_the_slot_after_the_console_and_the_rng_and_its_socket_lives_as_long_as_the_set()
    {
        string path = Path.Combine(_directory, "v.sock");
        var config = new DeviceConfig([], [], ConsoleDevice.Virtio, Rng: true, new VsockOptions(3, path));

        VirtioDeviceSet set = VirtioDeviceSet.Open(config, consoleOutput: null, NullLogger.Instance);
        try
        {
            Assert.Equal([VirtioMmioSlot.QemuVirt(0), VirtioMmioSlot.QemuVirt(1), VirtioMmioSlot.QemuVirt(2)], set.Slots);
            // Host clients may connect before the guest driver is up: they wait in the backlog.
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            client.Connect(new UnixDomainSocketEndPoint(path));
        }
        finally
        {
            set.Dispose();
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_taken_socket_path_is_a_configuration_error_and_nothing_is_left_open()
    {
        string path = Path.Combine(_directory, "taken");
        File.WriteAllText(path, "not a socket");
        var config = new DeviceConfig([], [], ConsoleDevice.Pl011, Rng: false, new VsockOptions(3, path));

        VirtioConfigurationException e = Assert.Throws<VirtioConfigurationException>(() => VirtioDeviceSet.Open(config, null, NullLogger.Instance));

        Assert.Contains("already exists", e.Message, StringComparison.Ordinal);
        Assert.Equal("not a socket", File.ReadAllText(path));
    }
}
