using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parkway.Qmp.Tests;

public sealed class EventTests : IDisposable
{
    private readonly QmpServerFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Events_reach_every_negotiated_client_and_not_one_still_negotiating()
    {
        using RawQmpConnection first = _fixture.ConnectNegotiated();
        using RawQmpConnection second = _fixture.ConnectNegotiated();
        using RawQmpConnection negotiating = _fixture.Connect();
        negotiating.ReadLine();

        _fixture.Machine.Raise("DEVICE_DELETED", new JsonObject { ["device"] = "cpu4", ["path"] = "/machine/peripheral/cpu4" });

        foreach (RawQmpConnection client in new[] { first, second })
        {
            JsonElement message = client.ReadJson();
            Assert.Equal("DEVICE_DELETED", message.GetProperty("event").GetString());
            Assert.Equal("cpu4", message.GetProperty("data").GetProperty("device").GetString());
            Assert.Equal("/machine/peripheral/cpu4", message.GetProperty("data").GetProperty("path").GetString());
        }

        // Events are queued synchronously when raised, so one sent to this client would precede this reply.
        negotiating.Send("""{"execute": "qmp_capabilities", "id": "late"}""");
        JsonElement reply = negotiating.ReadJson();
        Assert.Equal("late", reply.GetProperty("id").GetString());
    }

    [Fact]
    public void Event_has_QEMUs_member_order_and_a_wall_clock_timestamp()
    {
        using RawQmpConnection client = _fixture.ConnectNegotiated();
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        _fixture.Machine.Raise("ACPI_DEVICE_OST", new JsonObject
        {
            ["info"] = new JsonObject { ["device"] = "cpu-s0-c1-t0", ["source"] = 1, ["status"] = 0, ["slot"] = "1", ["slot-type"] = "CPU" },
        });
        JsonElement message = client.ReadJson();

        JsonElement qemuEvent = Transcript.FirstEvent("ACPI_DEVICE_OST").Message;
        Assert.Equal(Transcript.Keys(qemuEvent), Transcript.Keys(message));
        Assert.Equal(qemuEvent.GetProperty("data").GetRawText(), message.GetProperty("data").GetRawText());
        JsonElement timestamp = message.GetProperty("timestamp");
        Assert.Equal(["seconds", "microseconds"], Transcript.Keys(timestamp));
        Assert.InRange(timestamp.GetProperty("seconds").GetInt64(), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.InRange(timestamp.GetProperty("microseconds").GetInt64(), 0, 999_999);
    }

    [Fact]
    public void Event_without_data_has_no_data_member()
    {
        using RawQmpConnection client = _fixture.ConnectNegotiated();

        _fixture.Machine.Raise("STOP");

        JsonElement message = client.ReadJson();
        Assert.Equal(["timestamp", "event"], Transcript.Keys(message));
        Assert.Equal("STOP", message.GetProperty("event").GetString());
    }

    [Fact]
    public void An_event_raised_between_two_commands_arrives_between_their_replies()
    {
        using RawQmpConnection client = _fixture.ConnectNegotiated();

        client.Send("""{"execute": "query-status", "id": 1}""");
        Assert.Equal(1, client.ReadJson().GetProperty("id").GetInt32());
        _fixture.Machine.Raise("POWERDOWN");
        client.Send("""{"execute": "query-status", "id": 2}""");

        Assert.Equal("POWERDOWN", client.ReadJson().GetProperty("event").GetString());
        Assert.Equal(2, client.ReadJson().GetProperty("id").GetInt32());
    }

    [Fact]
    public void A_client_that_stops_reading_neither_blocks_the_raiser_nor_the_other_clients_and_is_disconnected()
    {
        using RawQmpConnection stalled = _fixture.ConnectNegotiated();
        stalled.Socket.ReceiveBufferSize = 4096;
        var payload = new string('p', 4096);

        var clock = Stopwatch.StartNew();
        TimeSpan slowest = TimeSpan.Zero;
        for (int i = 0; i < 3000; i++)
        {
            long start = clock.ElapsedTicks;
            _fixture.Machine.Raise("FLOOD", new JsonObject { ["n"] = i, ["payload"] = payload });
            TimeSpan took = TimeSpan.FromTicks((long)((clock.ElapsedTicks - start) * (TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency)));
            slowest = took > slowest ? took : slowest;
        }

        clock.Stop();
        // 3000 events × 4 KiB is far more than socket buffers plus the queue: a blocking design would hang here.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"raising took {clock.Elapsed}");
        Assert.True(slowest < TimeSpan.FromMilliseconds(200), $"slowest raise took {slowest}");
        Assert.True(SpinWait.SpinUntil(() => _fixture.Server.ConnectionCount == 0, TimeSpan.FromSeconds(10)), "the stalled client was not disconnected");
        Assert.Contains(_fixture.Log, line => line.Contains("disconnecting", StringComparison.Ordinal));

        using RawQmpConnection fresh = _fixture.ConnectNegotiated();
        _fixture.Machine.Raise("AFTER");
        Assert.Equal("AFTER", fresh.ReadJson().GetProperty("event").GetString());
    }

    [Fact]
    public void Event_data_that_cannot_be_written_is_dropped_and_logged_without_throwing_at_the_raiser()
    {
        using RawQmpConnection client = _fixture.ConnectNegotiated();
        var shared = new JsonObject { ["x"] = 1 };
        var data = new JsonObject { ["a"] = JsonValue.Create(double.NaN) };

        _fixture.Machine.Raise("BROKEN", data);
        _fixture.Machine.Raise("FINE", shared);

        Assert.Equal("FINE", client.ReadJson().GetProperty("event").GetString());
        Assert.Contains(_fixture.Log, line => line.Contains("BROKEN", StringComparison.Ordinal));
    }

    [Fact]
    public void Dispose_unsubscribes_from_the_machine()
    {
        Assert.Equal(1, _fixture.Machine.SubscriberCount);

        _fixture.Server.Dispose();

        Assert.Equal(0, _fixture.Machine.SubscriberCount);
    }
}
