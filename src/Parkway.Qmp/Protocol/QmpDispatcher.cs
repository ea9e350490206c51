using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace Parkway.Qmp.Protocol;

/// <summary>
/// Turns one complete JSON value from a client into one reply: request checks, negotiation rules,
/// the command table, argument checks, and calls into the <see cref="IQmpMachine"/>.
/// </summary>
/// <remarks>
/// Every machine call happens under one lock, like QEMU's big lock: commands from several clients are
/// never concurrent, so the VMM's side need not be re-entrant. Events do not take this lock.
/// </remarks>
internal sealed class QmpDispatcher
{
    private const string NegotiationExpected = "Expecting capabilities negotiation with 'qmp_capabilities'";
    private const string CapabilitiesCommand = "qmp_capabilities";

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = QmpJsonSplitter.DefaultMaxDepth + 1 };
    private static readonly JsonElement EmptyObject = ParseElement("{}");

    private readonly IQmpMachine _machine;
    private readonly Action<string>? _log;
    private readonly Lock _machineLock = new();
    private readonly Dictionary<string, Func<QmpArguments, QmpCommandResult>> _commands = new(StringComparer.Ordinal);
    private readonly JsonElement _version;
    private readonly JsonElement _commandList;

    public QmpDispatcher(IQmpMachine machine, QmpVersionInfo version, Action<string>? log)
    {
        _machine = machine;
        _log = log;
        var versionText = new StringBuilder();
        QmpMessages.AppendVersion(versionText, version);
        _version = ParseElement(versionText.ToString());
        RegisterCommands();
        _commandList = BuildCommandList(_commands.Keys);
    }

    /// <summary>Requests answered and errors among them.</summary>
    public QmpRequestCounters Counters { get; } = new();

    /// <summary>Every command accepted in command mode, in registration order.</summary>
    public IEnumerable<string> CommandNames => _commands.Keys;

    public QmpReply Dispatch(byte[] json, QmpSession session)
    {
        QmpReply reply = DispatchCore(json, session);
        // Every success is written as {"return": ...}; anything else is an error reply.
        Counters.Count(error: !reply.Message.AsSpan().StartsWith("{\"return\""u8));
        return reply;
    }

    private QmpReply DispatchCore(byte[] json, QmpSession session)
    {
        // The reader validates UTF-8 only lazily (when a string is read); check it up front so a bad
        // byte in, say, the id cannot surface later while the reply is being written.
        if (!Utf8.IsValid(json))
        {
            return new QmpReply(QmpMessages.Error(QmpErrorClass.GenericError, "JSON parse error, invalid UTF-8 sequence", null));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ParseOptions);
        }
        catch (JsonException e)
        {
            return new QmpReply(QmpMessages.Error(QmpErrorClass.GenericError, "JSON parse error, " + Describe(e), null));
        }

        // Replies are built before the document goes: the echoed id points into it.
        using (document)
        {
            // Checked before the id is looked at: like QEMU, a value its parser refuses gets no id echoed.
            if (JsonSurrogateEscapes.FindUnpaired(json) is { } unpaired)
            {
                return new QmpReply(QmpMessages.Error(QmpErrorClass.GenericError, $"JSON parse error, {unpaired} is not a valid Unicode character", null));
            }

            QmpRequest? request = QmpRequest.TryParse(document.RootElement, out string? error, out JsonElement? id);
            if (request is null)
            {
                return new QmpReply(QmpMessages.Error(QmpErrorClass.GenericError, error!, id));
            }

            try
            {
                return Execute(request, session);
            }
            catch (QmpErrorException e)
            {
                return new QmpReply(QmpMessages.Error(e.ErrorClass, e.Message, id));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A VMM bug must not take the monitor (or the VMM) down: report it like QEMU would.
                _log?.Invoke($"qmp: '{request.Command}' failed: {e}");
                return new QmpReply(QmpMessages.Error(QmpErrorClass.GenericError, e.Message, id));
            }
        }
    }

    private QmpReply Execute(QmpRequest request, QmpSession session)
    {
        var arguments = new QmpArguments(request.Arguments);
        if (!session.Negotiated)
        {
            if (request.Command != CapabilitiesCommand)
            {
                throw QmpErrorException.CommandNotFound(NegotiationExpected);
            }

            CheckCapabilityArguments(arguments);
            return new QmpReply(QmpMessages.Return(EmptyObject, request.Id), EntersCommandMode: true);
        }

        if (!_commands.TryGetValue(request.Command, out Func<QmpArguments, QmpCommandResult>? handler))
        {
            throw QmpErrorException.CommandNotFound($"The command {request.Command} has not been found");
        }

        QmpCommandResult result = handler(arguments);
        return new QmpReply(QmpMessages.Return(result.Value, request.Id), AfterWritten: result.AfterWritten);
    }

    private void RegisterCommands()
    {
        _commands[CapabilitiesCommand] = arguments =>
        {
            CheckCapabilityArguments(arguments);
            throw QmpErrorException.CommandNotFound("Capabilities negotiation is already complete, command ignored");
        };
        _commands["query-version"] = arguments => NoArguments(arguments, () => _version);
        _commands["query-commands"] = arguments => NoArguments(arguments, () => _commandList);
        _commands["query-status"] = arguments =>
            NoArguments(arguments, () => Serialize(_machine.QueryStatus(), QmpJsonContext.Default.QmpStatusInfo));
        _commands["query-hotpluggable-cpus"] = arguments =>
            NoArguments(arguments, () => Serialize(_machine.QueryHotpluggableCpus(), QmpJsonContext.Default.IReadOnlyListQmpHotpluggableCpu));
        _commands["query-cpus-fast"] = arguments =>
            NoArguments(arguments, () => Serialize(_machine.QueryCpusFast(), QmpJsonContext.Default.IReadOnlyListQmpCpuInfoFast));
        Func<QmpArguments, QmpCommandResult> powerState = arguments =>
            NoArguments(arguments, () => Serialize(_machine.QueryCpusPowerState(), QmpJsonContext.Default.IReadOnlyListQmpCpuPowerState));
        _commands["query-cpus-powerstate"] = powerState;
        _commands["query-cpus-power-state"] = powerState;
        _commands["device_add"] = DeviceAdd;
        _commands["device_del"] = DeviceDel;
        _commands["device_set"] = DeviceSet;
        _commands["set-vcpus"] = SetVcpus;
        _commands["stop"] = arguments => NoArguments(arguments, () => { _machine.Stop(); return EmptyObject; });
        _commands["cont"] = arguments => NoArguments(arguments, () => { _machine.Cont(); return EmptyObject; });
        _commands["system_powerdown"] = arguments => NoArguments(arguments, () => { _machine.SystemPowerdown(); return EmptyObject; });
        _commands["system_reset"] = arguments => NoArguments(arguments, () => { _machine.SystemReset(); return EmptyObject; });
        _commands["quit"] = Quit;
        _commands["migrate"] = Migrate;
        _commands["query-migrate"] = arguments => NoArguments(arguments, () => ParseElement(_machine.QueryMigrate().ToJsonString()));
    }

    private QmpCommandResult DeviceAdd(QmpArguments arguments)
    {
        // device_add is free-form in QEMU too (not QAPI-generated): unknown members are device properties.
        string driver = arguments.RequireString("driver");
        string? bus = arguments.OptionalString("bus");
        string? id = arguments.OptionalString("id");
        var device = new QmpDeviceArguments(driver, id, arguments.Remaining(), bus);
        lock (_machineLock)
        {
            _machine.DeviceAdd(device);
        }

        return new QmpCommandResult(EmptyObject);
    }

    private QmpCommandResult DeviceDel(QmpArguments arguments)
    {
        string id = arguments.RequireString("id");
        arguments.RejectUnexpected();
        lock (_machineLock)
        {
            _machine.DeviceDel(id);
        }

        return new QmpCommandResult(EmptyObject);
    }

    private QmpCommandResult DeviceSet(QmpArguments arguments)
    {
        string? driver = arguments.OptionalString("driver");
        string? bus = arguments.OptionalString("bus");
        string id = arguments.RequireString("id");
        string adminState = arguments.RequireString("admin-state");
        if (adminState is not ("enable" or "disable"))
        {
            // QEMU's enum visitor text for a value outside the enum.
            throw QmpErrorException.GenericError($"Parameter 'admin-state' does not accept value '{adminState}'");
        }

        var device = new QmpDeviceArguments(driver, id, arguments.Remaining(), bus);
        lock (_machineLock)
        {
            _machine.DeviceSet(device, adminState);
        }

        return new QmpCommandResult(EmptyObject);
    }

    private QmpCommandResult SetVcpus(QmpArguments arguments)
    {
        long count = arguments.RequireInteger("count");
        double? unplugTimeout = arguments.OptionalNumber("unplug-timeout");
        arguments.RejectUnexpected();
        lock (_machineLock)
        {
            // A count beyond int is out of range for any machine: the machine reports the range.
            _machine.SetVcpus((int)Math.Clamp(count, int.MinValue, int.MaxValue), unplugTimeout);
        }

        return new QmpCommandResult(EmptyObject);
    }

    private QmpCommandResult Migrate(QmpArguments arguments)
    {
        string uri = arguments.RequireString("uri");
        arguments.RejectUnexpected();
        lock (_machineLock)
        {
            _machine.Migrate(uri);
        }

        return new QmpCommandResult(EmptyObject);
    }

    private QmpCommandResult Quit(QmpArguments arguments)
    {
        arguments.RejectUnexpected();
        return new QmpCommandResult(EmptyObject, AfterWritten: () =>
        {
            try
            {
                lock (_machineLock)
                {
                    _machine.Quit();
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log?.Invoke($"qmp: quit failed after the reply was sent: {e}");
            }
        });
    }

    private QmpCommandResult NoArguments(QmpArguments arguments, Func<JsonElement> body)
    {
        arguments.RejectUnexpected();
        lock (_machineLock)
        {
            return new QmpCommandResult(body());
        }
    }

    /// <summary><c>qmp_capabilities</c> takes an optional <c>enable</c> list; we advertise no capability, so none can be enabled.</summary>
    private static void CheckCapabilityArguments(QmpArguments arguments)
    {
        JsonElement? enable = arguments.OptionalArray("enable");
        arguments.RejectUnexpected();
        if (enable is not { } requested)
        {
            return;
        }

        int index = 0;
        foreach (JsonElement capability in requested.EnumerateArray())
        {
            string name = $"enable[{index++}]";
            if (capability.ValueKind != JsonValueKind.String)
            {
                throw QmpArguments.InvalidType(name, "string");
            }

            string value = capability.GetString()!;
            throw value == "oob"
                ? QmpErrorException.GenericError("Capability oob not available")
                : QmpErrorException.GenericError($"Parameter '{name}' does not accept value '{value}'");
        }
    }

    private static JsonElement Serialize<T>(T value, JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.SerializeToElement(value ?? throw new InvalidOperationException("the machine returned no data"), typeInfo);

    private static JsonElement BuildCommandList(IEnumerable<string> names)
    {
        var list = new StringBuilder("[");
        foreach (string name in names)
        {
            if (list.Length > 1)
            {
                list.Append(", ");
            }

            list.Append("{\"name\": ");
            QmpJsonFormatter.AppendString(list, name);
            list.Append('}');
        }

        return ParseElement(list.Append(']').ToString());
    }

    private static JsonElement ParseElement(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The parser's reason without its position suffix (QEMU gives none either).</summary>
    private static string Describe(JsonException e)
    {
        string message = e.Message;
        int position = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return position > 0 ? message[..position] : message;
    }
}
