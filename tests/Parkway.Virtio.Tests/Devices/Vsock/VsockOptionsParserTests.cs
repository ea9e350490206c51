using Parkway.Virtio.Devices;
using Parkway.Virtio.Devices.Vsock;
using Parkway.Virtio.Tests.Support;

namespace Parkway.Virtio.Tests.Devices.Vsock;

/// <summary>--vsock parsing, the socket path checks and the hybrid protocol's text lines.</summary>
public sealed class VsockOptionsParserTests
{
    [Fact]
    public void Cid_and_socket_are_parsed() =>
        Assert.Equal(new VsockOptions(3, "/run/parkway/v.sock"), VsockOptionsParser.Parse("cid=3,socket=/run/parkway/v.sock"));

    [Fact]
    public void The_largest_cid_is_accepted() =>
        Assert.Equal(0xFFFF_FFFEul, VsockOptionsParser.Parse("socket=v.sock,cid=4294967294").GuestCid);

    [Theory]
    [InlineData("socket=v.sock", "cid=N is required")]
    [InlineData("cid=3", "socket=PATH is required")]
    [InlineData("cid=2,socket=v.sock", "cid 2 is reserved")]
    [InlineData("cid=0,socket=v.sock", "cid 0 is reserved")]
    [InlineData("cid=4294967295,socket=v.sock", "cid 4294967295 is reserved or too large")]
    [InlineData("cid=99999999999999999999,socket=v.sock", "not a decimal number")]
    [InlineData("cid=-3,socket=v.sock", "not a decimal number")]
    [InlineData("cid=0x10,socket=v.sock", "not a decimal number")]
    [InlineData("cid=3,socket=", "socket path is empty")]
    [InlineData("cid=3,socket=/tmp/", "names a directory")]
    [InlineData("cid=3,socket=v.sock,cid=4", "'cid' is given twice")]
    [InlineData("cid=3,socket=v.sock,port=9", "unknown option 'port'")]
    [InlineData("cid=3,v.sock", "'v.sock' is not key=value")]
    public void Each_mistake_is_one_line_naming_the_problem(string text, string expected)
    {
        VirtioConfigurationException e = Assert.Throws<VirtioConfigurationException>(() => VsockOptionsParser.Parse(text));
        Assert.StartsWith("--vsock: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_path_too_long_for_sun_path_with_the_port_suffix_is_refused()
    {
        string fits = "/" + new string('a', VsockOptionsParser.MaxUnixPath - VsockOptionsParser.PortSuffixLength - 1);
        Assert.Equal(fits, VsockOptionsParser.Parse($"cid=3,socket={fits}").SocketPath);
        VirtioConfigurationException e = Assert.Throws<VirtioConfigurationException>(() => VsockOptionsParser.Parse($"cid=3,socket={fits}a"));
        Assert.Contains("at most 96 fit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_socket_directory_must_exist_and_the_path_must_be_free()
    {
        using var directory = new TempDirectory();
        VsockOptionsParser.CheckSocketPath(new VsockOptions(3, directory.File("v.sock")));

        VirtioConfigurationException missing = Assert.Throws<VirtioConfigurationException>(
            () => VsockOptionsParser.CheckSocketPath(new VsockOptions(3, directory.File("no/v.sock"))));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);

        File.WriteAllText(directory.File("taken"), "");
        VirtioConfigurationException taken = Assert.Throws<VirtioConfigurationException>(
            () => VsockOptionsParser.CheckSocketPath(new VsockOptions(3, directory.File("taken"))));
        Assert.Contains("already exists", taken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_socket_that_cannot_be_bound_is_a_configuration_error()
    {
        using var directory = new TempDirectory();
        string path = directory.File("v.sock");
        using var first = new VirtioVsockDevice("virtio-vsock0", new VsockOptions(3, path), new TestLog().Log);
        VirtioConfigurationException e = Assert.Throws<VirtioConfigurationException>(
            () => new VirtioVsockDevice("virtio-vsock1", new VsockOptions(4, path), new TestLog().Log));
        Assert.StartsWith($"--vsock: cannot listen on {path}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CONNECT 0", 0u)]
    [InlineData("CONNECT 1024", 1024u)]
    [InlineData("CONNECT 4294967295\r", 4294967295u)]
    public void Connect_lines_are_parsed(string line, uint port)
    {
        Assert.True(HybridConnectLine.TryParse(System.Text.Encoding.ASCII.GetBytes(line), out uint parsed));
        Assert.Equal(port, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("CONNECT")]
    [InlineData("CONNECT ")]
    [InlineData("CONNECT  5")]
    [InlineData("CONNECT +5")]
    [InlineData("CONNECT 4294967296")]
    [InlineData("connect 5")]
    [InlineData("CONNECT 5 6")]
    public void Other_lines_are_not_connect_lines(string line) =>
        Assert.False(HybridConnectLine.TryParse(System.Text.Encoding.ASCII.GetBytes(line), out _));

    [Fact]
    public void The_acknowledgement_is_OK_and_the_port() =>
        Assert.Equal("OK 1073741824\n"u8.ToArray(), HybridConnectLine.Acknowledgement(1u << 30));
}
