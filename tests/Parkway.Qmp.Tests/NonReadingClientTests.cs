using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parkway.Qmp.Server;

namespace Parkway.Qmp.Tests;

/// <summary>
/// A client that does not read what the server writes must not be able to grow the server's memory
/// without bound, whatever it sends or the machine raises: the per-client queue is bounded in bytes.
/// </summary>
public sealed class NonReadingClientTests : IDisposable
{
    private const int IdChars = 100_000;

    private readonly QmpServerFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task A_client_that_sends_requests_with_huge_ids_and_never_reads_stops_being_read_and_loses_nothing()
    {
        using RawQmpConnection stalled = _fixture.ConnectNegotiated();
        stalled.Socket.ReceiveBufferSize = 4096;
        // 'é' is 2 bytes in and 6 out (\u00E9): each reply is ~600 KB. 100 of them are 60 MB, under the
        // queue's 1024-message bound, so only the byte limit can stop the server from holding them all.
        string id = new('é', IdChars);
        byte[] request = Encoding.UTF8.GetBytes($$"""{"execute": "query-status", "id": "{{id}}"}""");
        const int Requests = 100;
        Task sending = Task.Run(() =>
        {
            for (int i = 0; i < Requests; i++)
            {
                stalled.SendBytes(request);
            }
        });

        long replyBytes = (IdChars * 6) + 64;
        Assert.True(
            SpinWait.SpinUntil(() => _fixture.Server.PeakQueuedBytes >= QmpConnection.OutgoingByteLimit - replyBytes, TimeSpan.FromSeconds(30)),
            $"the queue never filled: peak {_fixture.Server.PeakQueuedBytes}");

        // 20 MB of requests cannot fit in socket buffers: the server has stopped reading this client.
        Assert.False(sending.IsCompleted, "every request was read although no reply was");
        Assert.InRange(_fixture.Server.PeakQueuedBytes, 0, QmpConnection.OutgoingByteLimit + replyBytes);

        // The stalled client holds nothing up for anyone else.
        using (RawQmpConnection other = _fixture.ConnectNegotiated())
        {
            Assert.True(other.Execute("""{"execute": "query-status"}""").TryGetProperty("return", out _));
        }

        // Once it reads, it gets every reply, in order, and the queue never went past its limit.
        for (int i = 0; i < Requests; i++)
        {
            JsonElement reply = stalled.ReadJson();
            Assert.True(reply.TryGetProperty("return", out _));
            Assert.Equal(id, reply.GetProperty("id").GetString());
        }

        await sending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(stalled.Execute("""{"execute": "query-status", "id": "after"}""").TryGetProperty("return", out _));
        Assert.InRange(_fixture.Server.PeakQueuedBytes, 0, QmpConnection.OutgoingByteLimit + replyBytes);
        Assert.DoesNotContain(_fixture.Log, line => line.Contains("disconnecting", StringComparison.Ordinal));
    }

    [Fact]
    public void A_client_that_never_reads_large_events_is_disconnected_before_its_queue_passes_the_byte_limit()
    {
        using RawQmpConnection stalled = _fixture.ConnectNegotiated();
        stalled.Socket.ReceiveBufferSize = 4096;
        var payload = new string('p', 64 * 1024);

        // 300 events of 64 KiB: 19 MB, yet fewer messages than the queue's count bound.
        for (int i = 0; i < 300 && _fixture.Server.ConnectionCount > 0; i++)
        {
            _fixture.Machine.Raise("BIG", new JsonObject { ["n"] = i, ["payload"] = payload });
        }

        Assert.True(SpinWait.SpinUntil(() => _fixture.Server.ConnectionCount == 0, TimeSpan.FromSeconds(10)), "the stalled client was not disconnected");
        Assert.Contains(_fixture.Log, line => line.Contains("not reading", StringComparison.Ordinal));
        Assert.InRange(_fixture.Server.PeakQueuedBytes, 0, QmpConnection.OutgoingByteLimit + payload.Length + 256);
        Assert.True(stalled.WaitForClose(TimeSpan.FromSeconds(30)), "the connection was not closed");
    }
}
