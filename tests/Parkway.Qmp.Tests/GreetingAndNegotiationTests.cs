using System.Text.Json;

namespace Parkway.Qmp.Tests;

public sealed class GreetingAndNegotiationTests : IDisposable
{
    private readonly QmpServerFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Greeting_is_byte_for_byte_QEMUs_for_the_same_version_except_the_oob_capability()
    {
        (JsonElement qemuGreeting, string qemuRaw) = Transcript.Greeting;
        JsonElement qemuVersion = qemuGreeting.GetProperty("QMP").GetProperty("version");
        var version = new QmpVersionInfo(
            qemuVersion.GetProperty("qemu").GetProperty("major").GetInt32(),
            qemuVersion.GetProperty("qemu").GetProperty("minor").GetInt32(),
            qemuVersion.GetProperty("qemu").GetProperty("micro").GetInt32(),
            qemuVersion.GetProperty("package").GetString()!);
        using var directory = TempDirectory.Create();
        string path = Path.Combine(directory.Path, "g.sock");
        using QmpServer server = QmpServer.Start(path, new FakeMachine(), version);
        using RawQmpConnection client = RawQmpConnection.Connect(path);

        string greeting = client.ReadLine();

        // We do not offer out-of-band execution, so the capability list is empty (QEMU's own choice for such monitors).
        Assert.Equal(qemuRaw.Replace("[\"oob\"]", "[]", StringComparison.Ordinal), greeting);
    }

    [Fact]
    public void Greeting_has_QMP_version_and_capabilities()
    {
        using RawQmpConnection client = _fixture.Connect();
        JsonElement greeting = client.ReadJson();

        JsonElement qmp = greeting.GetProperty("QMP");
        Assert.Equal(["QMP"], Transcript.Keys(greeting));
        Assert.Equal(Transcript.SortedKeys(Transcript.Greeting.Message.GetProperty("QMP")), Transcript.SortedKeys(qmp));
        JsonElement qemu = qmp.GetProperty("version").GetProperty("qemu");
        Assert.Equal(7, qemu.GetProperty("major").GetInt32());
        Assert.Equal(2, qemu.GetProperty("minor").GetInt32());
        Assert.Equal(22, qemu.GetProperty("micro").GetInt32());
        Assert.Equal("parkway-test", qmp.GetProperty("version").GetProperty("package").GetString());
        Assert.Equal(JsonValueKind.Array, qmp.GetProperty("capabilities").ValueKind);
    }

    [Theory]
    [InlineData("query-status")]
    [InlineData("no-such-command")]
    [InlineData("quit")]
    public void Any_command_but_qmp_capabilities_is_refused_before_negotiation(string command)
    {
        using RawQmpConnection client = _fixture.Connect();
        client.ReadLine();

        JsonElement reply = client.Execute($$"""{"execute": "{{command}}", "id": "n1"}""");

        AssertError(reply, "CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'");
        Assert.Equal("n1", reply.GetProperty("id").GetString());
        Assert.Empty(_fixture.Machine.Calls);
    }

    [Fact]
    public void Negotiation_returns_an_empty_object_like_QEMU_and_enables_commands()
    {
        using RawQmpConnection client = _fixture.Connect();
        client.ReadLine();

        client.Send("""{"execute": "qmp_capabilities", "id": "c1"}""");
        string reply = client.ReadLine();

        Assert.Equal(Transcript.ReplyTo("c1").Raw, reply);
        JsonElement status = client.Execute("""{"execute": "query-status"}""");
        Assert.True(status.GetProperty("return").GetProperty("running").GetBoolean());
    }

    [Fact]
    public void Negotiating_twice_is_CommandNotFound()
    {
        using RawQmpConnection client = _fixture.ConnectNegotiated();

        JsonElement reply = client.Execute("""{"execute": "qmp_capabilities", "id": 2}""");

        AssertError(reply, "CommandNotFound", "Capabilities negotiation is already complete, command ignored");
        Assert.Equal(2, reply.GetProperty("id").GetInt32());
    }

    [Fact]
    public void Enabling_oob_fails_because_it_is_not_offered_and_negotiation_mode_remains()
    {
        using RawQmpConnection client = _fixture.Connect();
        client.ReadLine();

        AssertError(client.Execute("""{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}"""), "GenericError", "Capability oob not available");
        AssertError(client.Execute("""{"execute": "qmp_capabilities", "arguments": {"enable": ["turbo"]}}"""), "GenericError", "Parameter 'enable[0]' does not accept value 'turbo'");
        AssertError(client.Execute("""{"execute": "qmp_capabilities", "arguments": {"enable": "oob"}}"""), "GenericError", "Invalid parameter type for 'enable', expected: array");
        AssertError(client.Execute("""{"execute": "qmp_capabilities", "arguments": {"bogus": 1}}"""), "GenericError", "Parameter 'bogus' is unexpected");
        AssertError(client.Execute("""{"execute": "query-status"}"""), "CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'");

        Assert.True(client.Execute("""{"execute": "qmp_capabilities", "arguments": {"enable": []}}""").TryGetProperty("return", out _));
    }

    internal static void AssertError(JsonElement reply, string errorClass, string description)
    {
        Assert.True(reply.TryGetProperty("error", out JsonElement error), reply.GetRawText());
        Assert.Equal(errorClass, error.GetProperty("class").GetString());
        Assert.Equal(description, error.GetProperty("desc").GetString());
        Assert.Equal(["class", "desc"], Transcript.Keys(error));
        Assert.False(reply.TryGetProperty("return", out _));
    }
}
