using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parkway.Qmp.Tests;

public sealed class QmpClientTests : IDisposable
{
    private readonly QmpServerFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Connect_negotiate_execute_round_trip()
    {
        await using QmpClient client = await QmpClient.ConnectAsync(_fixture.SocketPath);
        await client.NegotiateAsync();
        _fixture.Machine.Status = new QmpStatusInfo(false, "paused");

        JsonElement status = await client.ExecuteAsync("query-status");
        await client.ExecuteAsync("device_add", QmpArgumentParser.Parse(["driver=host-arm-cpu", "id=cpu2", "core-id=2"]));

        Assert.Equal(22, client.Greeting.GetProperty("QMP").GetProperty("version").GetProperty("qemu").GetProperty("micro").GetInt32());
        Assert.Equal("paused", status.GetProperty("status").GetString());
        Assert.Equal(2, _fixture.Machine.LastDeviceArguments!.Properties["core-id"].GetInt32());
        Assert.Equal("cpu2", _fixture.Machine.LastDeviceArguments.Id);
    }

    [Fact]
    public async Task A_QMP_error_is_thrown_with_its_class_and_text()
    {
        await using QmpClient client = await QmpClient.ConnectAsync(_fixture.SocketPath);
        await client.NegotiateAsync();
        _fixture.Machine.Failure = QmpErrorException.GenericError("Boot CPU is unpluggable");

        var e = await Assert.ThrowsAsync<QmpErrorException>(() => client.ExecuteAsync("device_del", new JsonObject { ["id"] = "cpu0" }));

        Assert.Equal(("GenericError", "Boot CPU is unpluggable"), (e.ErrorClass, e.Message));
    }

    [Fact]
    public async Task Events_arriving_before_a_reply_are_kept_for_ReadEventAsync()
    {
        await using QmpClient client = await QmpClient.ConnectAsync(_fixture.SocketPath);
        await client.NegotiateAsync();

        _fixture.Machine.Raise("DEVICE_DELETED", new JsonObject { ["device"] = "cpu1" });
        await client.ExecuteAsync("query-status");
        string? queued = await client.ReadEventAsync();
        _fixture.Machine.Raise("RESUME");
        string? live = await client.ReadEventAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        Assert.Contains("\"DEVICE_DELETED\"", queued, StringComparison.Ordinal);
        Assert.Contains("\"RESUME\"", live, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_requests_return_the_raw_reply_line()
    {
        await using QmpClient client = await QmpClient.ConnectAsync(_fixture.SocketPath);

        string reply = await client.SendRawAsync("""{"execute": "qmp_capabilities", "id": "c1"}""");

        Assert.Equal(Transcript.ReplyTo("c1").Raw, reply);
    }

    [Fact]
    public async Task Connecting_to_nothing_is_a_socket_error()
    {
        await Assert.ThrowsAsync<SocketException>(() => QmpClient.ConnectAsync(Path.Combine(_fixture.Directory.Path, "absent.sock")));
    }

    [Fact]
    public async Task Quit_then_dispose_ends_ReadEventAsync_with_null_after_SHUTDOWN()
    {
        _fixture.Machine.OnQuit = () => _fixture.Machine.Raise("SHUTDOWN", new JsonObject { ["guest"] = false, ["reason"] = "host-qmp-quit" });
        await using QmpClient client = await QmpClient.ConnectAsync(_fixture.SocketPath);
        await client.NegotiateAsync();

        await client.ExecuteAsync("quit");
        string? shutdown = await client.ReadEventAsync();
        await _fixture.Server.DisposeAsync();

        Assert.Contains("host-qmp-quit", shutdown, StringComparison.Ordinal);
        Assert.Null(await client.ReadEventAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token));
    }
}
