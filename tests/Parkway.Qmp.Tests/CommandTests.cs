using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parkway.Qmp.Tests;

public sealed class CommandTests : IDisposable
{
    private static readonly QmpCpuInstanceProperties Core1 = new() { SocketId = 0, CoreId = 1, ThreadId = 0 };

    private readonly QmpServerFixture _fixture = new();
    private readonly RawQmpConnection _client;

    public CommandTests() => _client = _fixture.ConnectNegotiated();

    public void Dispose()
    {
        _client.Dispose();
        _fixture.Dispose();
    }

    [Fact]
    public void Query_commands_lists_every_command_of_the_brief()
    {
        JsonElement reply = _client.Execute("""{"execute": "query-commands"}""");

        string[] names = reply.GetProperty("return").EnumerateArray().Select(c =>
        {
            Assert.Equal(["name"], Transcript.Keys(c));
            return c.GetProperty("name").GetString()!;
        }).Order(StringComparer.Ordinal).ToArray();
        string[] expected =
        [
            "cont", "device_add", "device_del", "device_set", "migrate", "qmp_capabilities", "query-commands", "query-cpus-fast",
            "query-cpus-power-state", "query-cpus-powerstate", "query-hotpluggable-cpus", "query-migrate", "query-status", "query-version",
            "quit", "set-vcpus", "stop", "system_powerdown", "system_reset",
        ];
        Assert.Equal(expected, names);
    }

    [Fact]
    public void Query_version_has_QEMUs_shape()
    {
        JsonElement reply = _client.Execute("""{"execute": "query-version", "id": "c2"}""");

        JsonElement qemuReturn = Transcript.ReplyTo("c2").Message.GetProperty("return");
        JsonElement ours = reply.GetProperty("return");
        Assert.Equal(Transcript.Keys(qemuReturn), Transcript.Keys(ours));
        Assert.Equal(Transcript.Keys(qemuReturn.GetProperty("qemu")), Transcript.Keys(ours.GetProperty("qemu")));
        Assert.Equal(qemuReturn.GetProperty("qemu").GetRawText(), ours.GetProperty("qemu").GetRawText());
        Assert.Equal("parkway-test", ours.GetProperty("package").GetString());
    }

    [Fact]
    public void Query_status_returns_the_machines_state()
    {
        _fixture.Machine.Status = new QmpStatusInfo(false, "paused");

        _client.Send("""{"execute": "query-status"}""");

        Assert.Equal("""{"return": {"running": false, "status": "paused"}}""", _client.ReadLine());
    }

    [Fact]
    public void Query_hotpluggable_cpus_omits_qom_path_for_empty_slots_and_unset_topology_levels_like_QEMU()
    {
        _fixture.Machine.HotpluggableCpus =
        [
            new QmpHotpluggableCpu("host-arm-cpu", 1, Core1),
            new QmpHotpluggableCpu("host-arm-cpu", 1, new QmpCpuInstanceProperties { SocketId = 0, CoreId = 0, ThreadId = 0 }, "/machine/unattached/device[0]"),
        ];

        JsonElement[] entries = _client.Execute("""{"execute": "query-hotpluggable-cpus", "id": "c3"}""").GetProperty("return").EnumerateArray().ToArray();

        JsonElement qemuEmptySlot = Transcript.ReplyTo("c3").Message.GetProperty("return")[0];
        Assert.Equal(Transcript.SortedKeys(qemuEmptySlot), Transcript.SortedKeys(entries[0]));
        Assert.Equal(Transcript.SortedKeys(qemuEmptySlot.GetProperty("props")), Transcript.SortedKeys(entries[0].GetProperty("props")));
        Assert.Equal(1, entries[0].GetProperty("props").GetProperty("core-id").GetInt32());
        Assert.Equal(Transcript.SortedKeys(qemuEmptySlot).Append("qom-path").Order(StringComparer.Ordinal), Transcript.SortedKeys(entries[1]));
        Assert.Equal("/machine/unattached/device[0]", entries[1].GetProperty("qom-path").GetString());
    }

    [Fact]
    public void Query_cpus_fast_has_QEMUs_members()
    {
        _fixture.Machine.CpusFast = [new QmpCpuInfoFast(1, "/machine/peripheral/cpu-s0-c1-t0", 28536, Core1, "x86_64")];

        JsonElement entry = _client.Execute("""{"execute": "query-cpus-fast"}""").GetProperty("return")[0];

        JsonElement qemuEntry = Transcript.ReplyTo("c8").Message.GetProperty("return")[1];
        Assert.Equal(Transcript.SortedKeys(qemuEntry), Transcript.SortedKeys(entry));
        foreach (JsonProperty member in qemuEntry.EnumerateObject())
        {
            Assert.True(JsonElement.DeepEquals(member.Value, entry.GetProperty(member.Name)), member.Name);
        }
    }

    [Theory]
    [InlineData("query-cpus-powerstate")]
    [InlineData("query-cpus-power-state")]
    public void Query_cpus_powerstate_answers_under_both_names(string command)
    {
        _fixture.Machine.PowerStates =
        [
            new QmpCpuPowerState(0, "/machine/unattached/device[0]", new QmpCpuInstanceProperties { CoreId = 0 }, "enabled", "on", false),
            new QmpCpuPowerState(1, null, Core1, "disabled", "off", false),
        ];

        JsonElement[] entries = _client.Execute($$"""{"execute": "{{command}}"}""").GetProperty("return").EnumerateArray().ToArray();

        Assert.Equal(["cpu-index", "qom-path", "props", "admin-state", "oper-state", "unplug-pending"], Transcript.Keys(entries[0]));
        Assert.Equal(["cpu-index", "props", "admin-state", "oper-state", "unplug-pending"], Transcript.Keys(entries[1]));
        Assert.Equal("disabled", entries[1].GetProperty("admin-state").GetString());
        Assert.False(entries[1].GetProperty("unplug-pending").GetBoolean());
    }

    [Fact]
    public void Device_add_passes_driver_id_bus_and_raw_typed_properties_through()
    {
        _client.Send("""
            {"execute": "device_add", "arguments": {"driver": "host-arm-cpu", "id": "cpu4", "bus": "b0",
             "core-id": 4, "socket-id": "0", "big": 18446744073709551615, "ratio": 0.5, "on": true, "none": null,
             "nested": {"a": [1, "x"]}}, "id": "c6"}
            """);

        Assert.Equal(Transcript.ReplyTo("c6").Raw, _client.ReadLine());
        QmpDeviceArguments device = _fixture.Machine.LastDeviceArguments!;
        Assert.Equal(("host-arm-cpu", "cpu4", "b0"), (device.Driver, device.Id, device.Bus));
        Assert.Equal(["core-id", "socket-id", "big", "ratio", "on", "none", "nested"], device.Properties.Keys);
        Assert.Equal(4, device.Properties["core-id"].GetInt32());
        Assert.Equal(JsonValueKind.String, device.Properties["socket-id"].ValueKind);
        Assert.Equal(ulong.MaxValue, device.Properties["big"].GetUInt64());
        Assert.Equal(0.5, device.Properties["ratio"].GetDouble());
        Assert.Equal(JsonValueKind.True, device.Properties["on"].ValueKind);
        Assert.Equal(JsonValueKind.Null, device.Properties["none"].ValueKind);
        Assert.Equal("x", device.Properties["nested"].GetProperty("a")[1].GetString());
    }

    [Fact]
    public void Device_set_passes_the_admin_state_and_leaves_it_out_of_the_properties()
    {
        _client.Execute("""{"execute": "device_set", "arguments": {"driver": "host-arm-cpu", "id": "core4", "core-id": 4, "admin-state": "disable"}}""");

        Assert.Equal("disable", _fixture.Machine.LastAdminState);
        QmpDeviceArguments device = _fixture.Machine.LastDeviceArguments!;
        Assert.Equal(("host-arm-cpu", "core4"), (device.Driver, device.Id));
        Assert.Equal(["core-id"], device.Properties.Keys);
    }

    [Fact]
    public void Device_set_without_driver_is_allowed()
    {
        JsonElement reply = _client.Execute("""{"execute": "device_set", "arguments": {"id": "core4", "admin-state": "enable"}}""");

        Assert.True(reply.TryGetProperty("return", out _), reply.GetRawText());
        Assert.Null(_fixture.Machine.LastDeviceArguments!.Driver);
        Assert.Equal("enable", _fixture.Machine.LastAdminState);
    }

    [Theory]
    [InlineData("""{"execute": "device_del", "arguments": {"id": "cpu4"}}""", "device_del cpu4")]
    [InlineData("""{"execute": "stop"}""", "stop")]
    [InlineData("""{"execute": "cont", "arguments": {}}""", "cont")]
    [InlineData("""{"execute": "system_powerdown"}""", "system_powerdown")]
    [InlineData("""{"execute": "system_reset"}""", "system_reset")]
    public void Simple_commands_reach_the_machine_and_return_an_empty_object(string request, string call)
    {
        _client.Send(request);

        Assert.Equal("""{"return": {}}""", _client.ReadLine());
        Assert.Equal([call], _fixture.Machine.Calls);
    }

    [Fact]
    public void Migrate_passes_the_uri_to_the_machine_and_query_migrate_returns_its_info()
    {
        _fixture.Machine.MigrationInfo = new System.Text.Json.Nodes.JsonObject { ["status"] = "completed", ["total-time"] = 12 };
        _client.Send("""{"execute": "migrate", "arguments": {"uri": "file:/tmp/vm.snap"}, "id": 7}""");
        Assert.Equal("""{"return": {}, "id": 7}""", _client.ReadLine());
        _client.Send("""{"execute": "query-migrate"}""");
        Assert.Equal("""{"return": {"status": "completed", "total-time": 12}}""", _client.ReadLine());
        Assert.Equal(["migrate file:/tmp/vm.snap", "query-migrate"], _fixture.Machine.Calls);
    }

    [Theory]
    [InlineData("""{"execute": "migrate"}""", "Parameter 'uri' is missing")]
    [InlineData("""{"execute": "migrate", "arguments": {"uri": 5}}""", "Invalid parameter type for 'uri', expected: string")]
    [InlineData("""{"execute": "migrate", "arguments": {"uri": "file:/x", "blk": true}}""", "Parameter 'blk' is unexpected")]
    [InlineData("""{"execute": "query-migrate", "arguments": {"x": 1}}""", "Parameter 'x' is unexpected")]
    public void Migrate_checks_its_arguments_like_QEMUs_visitor(string request, string message)
    {
        _client.Send(request);

        Assert.Equal($$$"""{"error": {"class": "GenericError", "desc": "{{{message}}}"}}""", _client.ReadLine());
        Assert.Empty(_fixture.Machine.Calls);
    }

    [Fact]
    public void Set_vcpus_passes_the_count_to_the_machine()
    {
        _client.Send("""{"execute": "set-vcpus", "arguments": {"count": 6}, "id": 1}""");

        Assert.Equal("""{"return": {}, "id": 1}""", _client.ReadLine());
        Assert.Equal(["set-vcpus 6"], _fixture.Machine.Calls);
    }

    [Fact]
    public void Set_vcpus_passes_an_unplug_timeout_for_the_batch()
    {
        _client.Send("""{"execute": "set-vcpus", "arguments": {"count": 2, "unplug-timeout": 2.5}}""");

        Assert.Equal("""{"return": {}}""", _client.ReadLine());
        Assert.Equal(["set-vcpus 2 unplug-timeout=2.5"], _fixture.Machine.Calls);
    }

    [Theory]
    [InlineData("""{"execute": "set-vcpus"}""", "Parameter 'count' is missing")]
    [InlineData("""{"execute": "set-vcpus", "arguments": {"count": "6"}}""", "Invalid parameter type for 'count', expected: integer")]
    [InlineData("""{"execute": "set-vcpus", "arguments": {"count": 1.5}}""", "Invalid parameter type for 'count', expected: integer")]
    [InlineData("""{"execute": "set-vcpus", "arguments": {"count": 2, "now": true}}""", "Parameter 'now' is unexpected")]
    [InlineData("""{"execute": "set-vcpus", "arguments": {"count": 2, "unplug-timeout": "5"}}""", "Invalid parameter type for 'unplug-timeout', expected: number")]
    public void Set_vcpus_checks_its_arguments_like_QEMUs_visitor(string request, string message)
    {
        _client.Send(request);

        Assert.Equal($$$"""{"error": {"class": "GenericError", "desc": "{{{message}}}"}}""", _client.ReadLine());
        Assert.Empty(_fixture.Machine.Calls);
    }

    [Fact]
    public void Requests_and_errors_are_counted_input_errors_included()
    {
        long requests = _fixture.Server.Counters.Requests;
        long errors = _fixture.Server.Counters.Errors;

        _client.Execute("""{"execute": "query-status", "id": 1}""");
        _client.Send("""{"execute": "nosuch", "id": 2}""");
        _client.ReadLine();
        _client.Send("""{"execute": ]""");
        _client.ReadLine();

        Assert.Equal(3, _fixture.Server.Counters.Requests - requests);
        Assert.Equal(2, _fixture.Server.Counters.Errors - errors);
    }

    [Fact]
    public void Quit_replies_first_then_calls_the_machine_whose_SHUTDOWN_follows_and_dispose_closes()
    {
        using RawQmpConnection observer = _fixture.ConnectNegotiated();
        _fixture.Machine.OnQuit = () =>
            _fixture.Machine.Raise("SHUTDOWN", new JsonObject { ["guest"] = false, ["reason"] = "host-qmp-quit" });

        _client.Send("""{"execute": "quit", "id": "c17"}""");
        string reply = _client.ReadLine();
        JsonElement shutdown = _client.ReadJson();

        Assert.Equal(Transcript.ReplyTo("c17").Raw, reply);
        Assert.Equal(["quit"], _fixture.Machine.Calls);
        JsonElement qemuShutdown = Transcript.FirstEvent("SHUTDOWN").Message;
        Assert.Equal(qemuShutdown.GetProperty("data").GetRawText(), shutdown.GetProperty("data").GetRawText());
        Assert.Equal("SHUTDOWN", observer.ReadJson().GetProperty("event").GetString());

        _fixture.Server.Dispose();
        Assert.True(_client.WaitForClose(TimeSpan.FromSeconds(5)));
        Assert.True(observer.WaitForClose(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Commands_from_many_clients_never_run_concurrently_in_the_machine()
    {
        var machine = new ConcurrencyProbe();
        using var directory = TempDirectory.Create();
        string path = Path.Combine(directory.Path, "c.sock");
        using QmpServer server = QmpServer.Start(path, machine, QmpServerFixture.Version);

        Parallel.For(0, 4, worker =>
        {
            using RawQmpConnection client = RawQmpConnection.ConnectNegotiated(path);
            for (int i = 0; i < 25; i++)
            {
                Assert.True(client.Execute("""{"execute": "query-status"}""").TryGetProperty("return", out _));
            }
        });

        Assert.Equal(100, machine.Calls);
        Assert.Equal(1, machine.MaxConcurrent);
    }

    /// <summary>Counts overlapping calls: each status query lingers a little to give overlaps a chance.</summary>
    private sealed class ConcurrencyProbe : IQmpMachine
    {
        private int _inside;
        private int _maxConcurrent;
        private int _calls;

        public int MaxConcurrent => _maxConcurrent;

        public int Calls => _calls;

        public event Action<QmpEvent>? EventRaised
        {
            add { }
            remove { }
        }

        public QmpStatusInfo QueryStatus()
        {
            int now = Interlocked.Increment(ref _inside);
            InterlockedMax(ref _maxConcurrent, now);
            Interlocked.Increment(ref _calls);
            Thread.Sleep(1);
            Interlocked.Decrement(ref _inside);
            return new QmpStatusInfo(true, "running");
        }

        public IReadOnlyList<QmpHotpluggableCpu> QueryHotpluggableCpus() => [];

        public IReadOnlyList<QmpCpuInfoFast> QueryCpusFast() => [];

        public IReadOnlyList<QmpCpuPowerState> QueryCpusPowerState() => [];

        public void DeviceAdd(QmpDeviceArguments arguments)
        {
        }

        public void DeviceDel(string id)
        {
        }

        public void DeviceSet(QmpDeviceArguments arguments, string adminState)
        {
        }

        public void Stop()
        {
        }

        public void Cont()
        {
        }

        public void SystemPowerdown()
        {
        }

        public void SystemReset()
        {
        }

        public void Quit()
        {
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }
}
