using System.Net.Sockets;

namespace Parkway.Tests.Cli;

/// <summary>
/// --vsock refusals that do not depend on the host: each is one <c>parkway:</c> line and exit 2,
/// before KVM is touched. What the device does with a guest is for the host tests.
/// </summary>
public sealed partial class CliTests
{
    [Theory]
    [InlineData("cid=x,socket=/tmp/v.sock", "--vsock: cid 'x' is not a decimal number")]
    [InlineData("cid=0,socket=/tmp/v.sock", "--vsock: cid 0 is reserved")]
    [InlineData("cid=1,socket=/tmp/v.sock", "--vsock: cid 1 is reserved")]
    [InlineData("cid=2,socket=/tmp/v.sock", "--vsock: cid 2 is reserved")]
    [InlineData("cid=4294967295,socket=/tmp/v.sock", "--vsock: cid 4294967295 is reserved")]
    [InlineData("socket=/tmp/v.sock", "--vsock: cid=N is required")]
    [InlineData("cid=3", "--vsock: socket=PATH is required")]
    [InlineData("cid=3,socket=/tmp/", "names a directory")]
    [InlineData("cid=3,port=9", "--vsock: unknown option 'port'")]
    public void Bad_vsock_values_are_usage_errors(string value, string expected)
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--vsock", value), expected);
    }

    [Fact]
    public void A_vsock_socket_in_a_directory_that_does_not_exist_is_a_usage_error()
    {
        string path = Path.Combine(files.Missing, "v.sock");
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--vsock", $"cid=3,socket={path}"), "does not exist");
    }

    [Fact]
    public void A_vsock_socket_path_that_is_a_file_is_a_usage_error_and_the_file_stays()
    {
        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--vsock", $"cid=3,socket={files.Disk}"), "already exists");
        Assert.Equal(8192, new FileInfo(files.Disk).Length);
    }

    [Fact]
    public void A_vsock_socket_path_where_a_socket_already_listens_is_a_usage_error()
    {
        string path = Path.Combine(files.Folder, "taken.sock");
        using var owner = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        owner.Bind(new UnixDomainSocketEndPoint(path));
        owner.Listen(1);

        AssertUsageError(ParkwayCli.Run("run", "--kernel", files.ValidKernel, "--vsock", $"cid=3,socket={path}"), "already exists");
        Assert.True(File.Exists(path), "Parkway removed a socket it did not create");
        File.Delete(path);
    }

    [Fact]
    public void Vsock_given_twice_is_a_usage_error()
    {
        CliResult result = ParkwayCli.Run(
            "run", "--kernel", files.ValidKernel, "--vsock", "cid=3,socket=/tmp/a.sock", "--vsock", "cid=4,socket=/tmp/b.sock");

        AssertSingleErrorLine(result, UsageError);
        Assert.Contains("--vsock", result.Stderr, StringComparison.Ordinal);
    }

    [X64OnlyFact]
    public void A_valid_vsock_passes_every_check_stops_only_at_kvm_and_removes_its_socket()
    {
        string path = Path.Combine(files.Folder, "ok.sock");
        CliResult result = ParkwayCli.Run(
            "run", "--kernel", files.ValidKernel, "--vsock", $"cid=3,socket={path}", "--console", "virtio", "--serial", "off", "--log-level", "error");

        AssertSingleErrorLine(result, expectedExitCode: 1);
        Assert.Contains("needs an arm64 Linux host", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(path), "the vsock socket file outlived the run");
    }
}
