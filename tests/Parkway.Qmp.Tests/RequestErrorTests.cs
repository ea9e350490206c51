using System.Text.Json;
using Parkway.Qmp.Protocol;
using static Parkway.Qmp.Tests.GreetingAndNegotiationTests;

namespace Parkway.Qmp.Tests;

public sealed class RequestErrorTests : IDisposable
{
    private readonly QmpServerFixture _fixture = new();
    private readonly RawQmpConnection _client;

    public RequestErrorTests() => _client = _fixture.ConnectNegotiated();

    public void Dispose()
    {
        _client.Dispose();
        _fixture.Dispose();
    }

    [Fact]
    public void Unknown_command_is_CommandNotFound_naming_it()
    {
        JsonElement reply = _client.Execute("""{"execute": "query-pci", "id": "u"}""");

        AssertError(reply, "CommandNotFound", "The command query-pci has not been found");
        Assert.Equal("u", reply.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("""{"execute": 1, "id": 5}""", "QMP input member 'execute' must be a string")]
    [InlineData("""{"execute": "query-status", "arguments": [], "id": 5}""", "QMP input member 'arguments' must be an object")]
    [InlineData("""{"id": 5}""", "QMP input lacks member 'execute'")]
    [InlineData("""{"execute": "query-status", "foo": 1, "id": 5}""", "QMP input member 'foo' is unexpected")]
    [InlineData("""{"exec-oob": "query-status", "id": 5}""", "QMP input member 'exec-oob' is unexpected")]
    public void Malformed_requests_get_QEMUs_texts_and_keep_the_id(string request, string description)
    {
        JsonElement reply = _client.Execute(request);

        AssertError(reply, "GenericError", description);
        Assert.Equal(5, reply.GetProperty("id").GetInt32());
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("42 ")]
    [InlineData("\"execute\"")]
    [InlineData("null ")]
    public void A_top_level_value_that_is_not_an_object_is_refused_without_id(string input)
    {
        JsonElement reply = _client.Execute(input);

        AssertError(reply, "GenericError", "QMP input must be a JSON object");
        Assert.False(reply.TryGetProperty("id", out _));
    }

    [Theory]
    [InlineData("""{"execute": , "id": 1}""")]
    [InlineData("""{"execute" "query-status"}""")]
    [InlineData("""{"execute": "query-status",}""")]
    [InlineData("nonsense ")]
    public void Malformed_JSON_is_a_parse_error_without_id_and_the_connection_keeps_working(string input)
    {
        JsonElement reply = _client.Execute(input);

        Assert.Equal("GenericError", reply.GetProperty("error").GetProperty("class").GetString());
        Assert.StartsWith("JSON parse error, ", reply.GetProperty("error").GetProperty("desc").GetString(), StringComparison.Ordinal);
        Assert.False(reply.TryGetProperty("id", out _));
        Assert.True(_client.Execute("""{"execute": "query-status", "id": "after"}""").TryGetProperty("return", out _));
    }

    [Fact]
    public void A_stray_closing_brace_is_reported_and_skipped()
    {
        JsonElement reply = _client.Execute("}");

        AssertError(reply, "GenericError", "JSON parse error, stray '}'");
        Assert.True(_client.Execute("""{"execute": "query-status"}""").TryGetProperty("return", out _));
    }

    [Theory]
    [InlineData("""{"execute": "query-status", "arguments": {"verbose": true}}""", "Parameter 'verbose' is unexpected")]
    [InlineData("""{"execute": "stop", "arguments": {"now": 1}}""", "Parameter 'now' is unexpected")]
    [InlineData("""{"execute": "device_del", "arguments": {}}""", "Parameter 'id' is missing")]
    [InlineData("""{"execute": "device_del"}""", "Parameter 'id' is missing")]
    [InlineData("""{"execute": "device_del", "arguments": {"id": 5}}""", "Invalid parameter type for 'id', expected: string")]
    [InlineData("""{"execute": "device_del", "arguments": {"id": "cpu1", "force": true}}""", "Parameter 'force' is unexpected")]
    [InlineData("""{"execute": "device_add", "arguments": {"id": "cpu1", "core-id": 1}}""", "Parameter 'driver' is missing")]
    [InlineData("""{"execute": "device_add", "arguments": {"driver": 7}}""", "Invalid parameter type for 'driver', expected: string")]
    [InlineData("""{"execute": "device_add", "arguments": {"driver": "host-arm-cpu", "id": ["x"]}}""", "Invalid parameter type for 'id', expected: string")]
    [InlineData("""{"execute": "device_set", "arguments": {"driver": "host-arm-cpu", "admin-state": "enable"}}""", "Parameter 'id' is missing")]
    [InlineData("""{"execute": "device_set", "arguments": {"id": "cpu1"}}""", "Parameter 'admin-state' is missing")]
    [InlineData("""{"execute": "device_set", "arguments": {"id": "cpu1", "admin-state": "on"}}""", "Parameter 'admin-state' does not accept value 'on'")]
    [InlineData("""{"execute": "device_set", "arguments": {"id": "cpu1", "admin-state": true}}""", "Invalid parameter type for 'admin-state', expected: string")]
    [InlineData("""{"execute": "quit", "arguments": {"now": true}}""", "Parameter 'now' is unexpected")]
    public void Arguments_are_checked_like_QEMUs_input_visitor_before_the_machine_is_called(string request, string description)
    {
        AssertError(_client.Execute(request), "GenericError", description);
        Assert.Empty(_fixture.Machine.Calls);
    }

    [Fact]
    public void A_repeated_argument_takes_the_last_value_in_the_last_place()
    {
        JsonElement reply = _client.Execute("""{"execute": "device_add", "arguments": {"driver": "host-arm-cpu", "core-id": 1, "id": "a", "thread-id": 0, "core-id": 2, "id": "b"}}""");

        Assert.True(reply.TryGetProperty("return", out _), reply.GetRawText());
        QmpDeviceArguments device = _fixture.Machine.LastDeviceArguments!;
        Assert.Equal("b", device.Id);
        Assert.Equal(["thread-id", "core-id"], device.Properties.Keys);
        Assert.Equal(2, device.Properties["core-id"].GetInt32());
    }

    // Found reading the code the fuzzer ran through: each member was looked up by a scan that also
    // unescaped every name again, so 10 000 members took seconds and a 1 MiB request (~90 000) minutes.
    [Fact]
    public void A_request_with_ninety_thousand_argument_members_is_answered_and_keeps_their_order()
    {
        const int Members = 90_000;
        var request = new System.Text.StringBuilder("{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"host-arm-cpu\", \"id\": \"cpu1\"");
        for (int i = 0; i < Members; i++)
        {
            request.Append(",\"p").Append(i).Append("\":0");
        }

        request.Append("}}");
        Assert.True(request.Length < QmpJsonSplitter.DefaultMaxValueBytes, $"{request.Length} bytes");

        JsonElement reply = _client.Execute(request.ToString());

        Assert.True(reply.TryGetProperty("return", out _), reply.GetRawText());
        IReadOnlyDictionary<string, JsonElement> properties = _fixture.Machine.LastDeviceArguments!.Properties;
        Assert.Equal(Members, properties.Count);
        Assert.Equal(Enumerable.Range(0, Members).Select(i => $"p{i}"), properties.Keys);
    }

    [Fact]
    public void A_refusal_from_the_machine_keeps_its_class_and_text()
    {
        _fixture.Machine.Failure = QmpErrorException.DeviceNotFound("Device 'no-such-device' not found");

        JsonElement reply = _client.Execute("""{"execute": "device_del", "arguments": {"id": "no-such-device"}, "id": "c12"}""");

        // Same message, member for member, as QEMU 7.2 sent for the same request.
        Assert.Equal(Transcript.ReplyTo("c12").Message.GetRawText(), reply.GetRawText());
    }

    [Fact]
    public void A_crash_in_the_machine_becomes_a_GenericError_is_logged_and_the_server_keeps_serving()
    {
        _fixture.Machine.Failure = new InvalidOperationException("vCPU 3 is on fire");

        AssertError(_client.Execute("""{"execute": "stop"}"""), "GenericError", "vCPU 3 is on fire");

        Assert.Contains(_fixture.Log, line => line.Contains("vCPU 3 is on fire", StringComparison.Ordinal));
        _fixture.Machine.Failure = null;
        Assert.True(_client.Execute("""{"execute": "cont"}""").TryGetProperty("return", out _));
    }

    // Found by scripts/fuzz qmp: System.Text.Json parses these and throws only when the string is read,
    // which closed the connection (command name, id) or was logged as a machine crash (arguments).
    [Theory]
    [InlineData("""{"execute": "query-st\udc00atus", "id": 1}""", "\\udc00")]
    [InlineData("""{"execute": "query-status", "id": "\ud800"}""", "\\ud800")]
    [InlineData("""{"execute": "query-status", "id": "\uD83D\u0041"}""", "\\uD83D")]
    [InlineData("""{"execute": "cont", "arguments": {"\uDFFF": []}, "id": 1}""", "\\uDFFF")]
    [InlineData("""{"execute": "device_del", "arguments": {"id": 'a\ud83d'}, "id": 1}""", "\\ud83d")]
    [InlineData("""{'\udfff': 1, "execute": "stop", "id": 1}""", "\\udfff")]
    public void A_lone_surrogate_escape_is_a_parse_error_without_id_and_the_machine_is_not_called(string request, string escape)
    {
        JsonElement reply = _client.Execute(request);

        AssertError(reply, "GenericError", $"JSON parse error, {escape} is not a valid Unicode character");
        Assert.False(reply.TryGetProperty("id", out _));
        Assert.Empty(_fixture.Machine.Calls);
        Assert.Empty(_fixture.Log);
        Assert.True(_client.Execute("""{"execute": "query-status", "id": "after"}""").TryGetProperty("return", out _));
    }

    [Fact]
    public void A_surrogate_pair_escape_and_an_escaped_backslash_before_u_are_fine()
    {
        JsonElement reply = _client.Execute("""{"execute": "query-status", "id": "\ud83d\ude00 \\ud800"}""");

        Assert.True(reply.TryGetProperty("return", out _), reply.GetRawText());
        Assert.Equal("\U0001F600 \\ud800", reply.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("7")]
    [InlineData("\"c1\"")]
    [InlineData("{\"tag\": [1, {\"deep\": null}], \"n\": -2.5}")]
    [InlineData("null")]
    [InlineData("true")]
    public void The_id_is_echoed_verbatim_in_replies_and_errors(string id)
    {
        _client.Send($$"""{"execute": "query-status", "id": {{id}}}""");
        string ok = _client.ReadLine();
        _client.Send($$"""{"id": {{id}}, "execute": "nope"}""");
        string error = _client.ReadLine();

        // QEMU's member order: return then id; id then error.
        Assert.EndsWith($", \"id\": {id}}}", ok, StringComparison.Ordinal);
        Assert.StartsWith($"{{\"id\": {id}, \"error\": ", error, StringComparison.Ordinal);
    }
}
