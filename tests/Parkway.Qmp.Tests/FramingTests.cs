using System.Text;
using System.Text.Json;
using static Parkway.Qmp.Tests.GreetingAndNegotiationTests;

namespace Parkway.Qmp.Tests;

public sealed class FramingTests : IDisposable
{
    private readonly QmpServerFixture _fixture = new();
    private readonly RawQmpConnection _client;

    public FramingTests() => _client = _fixture.ConnectNegotiated();

    public void Dispose()
    {
        _client.Dispose();
        _fixture.Dispose();
    }

    [Fact]
    public void Several_objects_in_one_write_get_one_reply_each_in_order()
    {
        _client.Send("""{"execute": "query-status", "id": 1}{"execute": "stop", "id": 2} {"execute":"cont","id":3}""" + "\n");

        Assert.Equal(1, _client.ReadReply().GetProperty("id").GetInt32());
        Assert.Equal(2, _client.ReadReply().GetProperty("id").GetInt32());
        Assert.Equal(3, _client.ReadReply().GetProperty("id").GetInt32());
        Assert.Equal(["query-status", "stop", "cont"], _fixture.Machine.Calls);
    }

    [Fact]
    public void One_object_split_across_writes_and_lines_is_one_request()
    {
        string request = "{\"execute\": \"device_add\",\r\n \"arguments\": {\"driver\": \"host-arm-cpu\", \"id\": \"c{\\\"]\",\n \"core-id\": 4}, \"id\": \"split\"}";
        byte[] bytes = Encoding.UTF8.GetBytes(request);
        foreach (byte[] chunk in bytes.Chunk(7))
        {
            _client.SendBytes(chunk);
            Thread.Sleep(2);
        }

        JsonElement reply = _client.ReadReply();

        Assert.Equal("split", reply.GetProperty("id").GetString());
        Assert.True(reply.TryGetProperty("return", out _), reply.GetRawText());
        Assert.Equal("c{\"]", _fixture.Machine.LastDeviceArguments!.Id);
    }

    [Fact]
    public void Single_quoted_strings_are_accepted_like_QEMU()
    {
        JsonElement reply = _client.Execute("""{'execute': 'device_add', 'arguments': {'driver': 'host-arm-cpu', 'id': 'it\'s "x"'}, 'id': 'sq'}""");

        Assert.Equal("sq", reply.GetProperty("id").GetString());
        Assert.Equal("it's \"x\"", _fixture.Machine.LastDeviceArguments!.Id);
    }

    [Fact]
    public void Output_is_ASCII_with_non_ASCII_escaped()
    {
        _client.Send("""{"execute": "query-status", "id": "é☃😀"}""");
        string line = _client.ReadLine();

        Assert.Equal("{\"return\": {\"running\": true, \"status\": \"running\"}, \"id\": \"\\u00E9\\u2603\\uD83D\\uDE00\"}", line);
    }

    [Fact]
    public void An_object_over_1_MiB_is_refused_and_the_connection_resynchronises()
    {
        string huge = new('x', 1_100_000);
        _client.Send($$"""{"execute": "query-status", "id": "{{huge}}"}""");

        JsonElement reply = _client.ReadReply();

        AssertError(reply, "GenericError", "JSON token size limit exceeded");
        JsonElement next = _client.Execute("""{"execute": "query-status", "id": "next"}""");
        Assert.Equal("next", next.GetProperty("id").GetString());
        Assert.Equal(["query-status"], _fixture.Machine.Calls);
    }

    [Fact]
    public void An_object_over_1_MiB_is_refused_with_its_id_when_the_id_was_read()
    {
        // qemu.qmp's QMPClient writes the id last and drops the connection on an error without one.
        string huge = new('x', 1_100_000);
        _client.Send($$"""{"execute": "device_add", "arguments": {"driver": "host-arm-cpu", "blob": "{{huge}}"}, "id": "c42"}""");

        JsonElement reply = _client.ReadReply();

        AssertError(reply, "GenericError", "JSON token size limit exceeded");
        Assert.Equal("c42", reply.GetProperty("id").GetString());
        Assert.Equal("next", _client.Execute("""{"execute": "query-status", "id": "next"}""").GetProperty("id").GetString());
    }

    [Fact]
    public void Nesting_beyond_1024_is_refused_once_and_the_connection_resynchronises()
    {
        _client.Send("{\"execute\": \"query-status\", \"id\": " + new string('[', 1100) + new string(']', 1100) + "}");

        AssertError(_client.ReadReply(), "GenericError", "JSON nesting depth limit exceeded");
        JsonElement next = _client.Execute("""{"execute": "query-status", "id": "next"}""");
        Assert.Equal("next", next.GetProperty("id").GetString());
    }

    [Fact]
    public void Nesting_of_exactly_1024_is_accepted()
    {
        string id = new string('[', 1023) + new string(']', 1023);

        JsonElement reply = _client.Execute("{\"execute\": \"query-status\", \"id\": " + id + "}");

        Assert.True(reply.TryGetProperty("return", out _), reply.GetRawText()[..Math.Min(200, reply.GetRawText().Length)]);
    }

    [Fact]
    public void Invalid_UTF8_is_a_parse_error_not_a_crash()
    {
        byte[] bad = [.. Encoding.ASCII.GetBytes("{\"execute\": \"query-status\", \"id\": \""), 0xC3, 0x28, .. Encoding.ASCII.GetBytes("\"}")];
        _client.SendBytes(bad);

        Assert.StartsWith("JSON parse error, ", _client.ReadReply().GetProperty("error").GetProperty("desc").GetString(), StringComparison.Ordinal);
        Assert.True(_client.Execute("""{"execute": "query-status"}""").TryGetProperty("return", out _));
    }

    [Fact]
    public void A_request_followed_by_half_close_is_still_answered()
    {
        _client.Send("""{"execute": "query-status", "id": "last"}""");
        _client.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);

        Assert.Equal("last", _client.ReadReply().GetProperty("id").GetString());
        Assert.True(_client.WaitForClose(TimeSpan.FromSeconds(5)));
    }
}
