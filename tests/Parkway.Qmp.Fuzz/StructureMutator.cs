using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// Mutates a request as JSON rather than as bytes: swaps the command, adds, drops and retypes
/// arguments and ids, adds members QMP does not allow, nests deeply, turns the request into another
/// kind of value. The result is written in QEMU's dialect by <see cref="QemuJsonWriter"/> and, being one
/// well-formed value, comes with the exact reply it must get (<see cref="ExpectedReply"/>).
/// </summary>
internal sealed class StructureMutator(Random random)
{
    private readonly RandomJson _json = new(random);
    private readonly QemuJsonWriter _writer = new(random);

    /// <summary>A mutant of <paramref name="seed"/> (any seed; one that is not a JSON object starts from a fresh request).</summary>
    public FuzzInput Mutate(byte[] seed)
    {
        JsonNode? root = TryParseObject(seed) ?? new JsonObject { ["execute"] = RandomJson.Commands[random.Next(RandomJson.Commands.Length)] };
        int mutations = random.Next(1, 4);
        for (int i = 0; i < mutations; i++)
        {
            root = MutateOnce(root);
        }

        byte[] bytes = _writer.Write(root);
        return new FuzzInput(bytes, [], false, Expect(root, bytes.Length));
    }

    private ExpectedReply Expect(JsonNode? root, int length)
    {
        // Splitter limits: nesting beyond 1024 or a value of 1 MiB or more is refused before parsing.
        if (_writer.MaxDepth > 1024)
        {
            return new ExpectedReply(false, TopLevelId(root), "nesting limit", LimitRefusal: true);
        }

        if (length >= (1 << 20) - 64)
        {
            return new ExpectedReply(false, TopLevelId(root), "size limit", LimitRefusal: true);
        }

        if (_writer.WroteLoneSurrogate)
        {
            return new ExpectedReply(false, null, "lone surrogate: a JSON parse error, like QEMU's");
        }

        if (root is not JsonObject members)
        {
            return new ExpectedReply(false, null, "not an object");
        }

        return members.TryGetPropertyValue("id", out JsonNode? id)
            ? new ExpectedReply(true, id, "object with id")
            : new ExpectedReply(false, null, "object without id");
    }

    private static JsonNode? TopLevelId(JsonNode? root) =>
        root is JsonObject members && members.TryGetPropertyValue("id", out JsonNode? id) ? id : null;

    private JsonNode? MutateOnce(JsonNode? root)
    {
        if (root is not JsonObject request)
        {
            return random.Next(2) == 0 ? root : new JsonObject { ["execute"] = "query-status", ["arguments"] = root };
        }

        switch (random.Next(14))
        {
            case 0 or 1:
                request["execute"] = RandomJson.Commands[random.Next(RandomJson.Commands.Length)];
                break;
            case 2:
                request["execute"] = _json.Value();
                break;
            case 3:
                request.Remove("execute");
                break;
            case 4 or 5:
                Arguments(request)[_json.Name()] = _json.Value();
                break;
            case 6:
                if (request["arguments"] is JsonObject arguments && arguments.Count > 0)
                {
                    arguments.RemoveAt(random.Next(arguments.Count));
                }

                break;
            case 7:
                request["arguments"] = random.Next(3) == 0 ? _json.Value() : DeviceArguments();
                break;
            case 8 or 9:
                request["id"] = _json.Value();
                break;
            case 10:
                request.Remove("id");
                break;
            case 11:
                request[_json.Name()] = _json.Value();
                break;
            case 12:
                return random.Next(3) switch
                {
                    0 => new JsonArray(request),
                    1 => _json.Value(),
                    _ => _json.Nested(random.Next(1000, 1100)),
                };
            default:
                request["id"] = _json.Nested(random.Next(1, 1100));
                break;
        }

        return request;
    }

    private static JsonObject Arguments(JsonObject request)
    {
        if (request["arguments"] is JsonObject arguments)
        {
            return arguments;
        }

        var created = new JsonObject();
        request["arguments"] = created;
        return created;
    }

    /// <summary>What a hot-plug request carries, with one member made wrong now and then.</summary>
    private JsonObject DeviceArguments()
    {
        var arguments = new JsonObject
        {
            ["driver"] = "host-arm-cpu",
            ["id"] = "cpu" + random.Next(10),
            ["socket-id"] = 0,
            ["cluster-id"] = 0,
            ["core-id"] = random.Next(10),
            ["thread-id"] = 0,
        };
        if (random.Next(2) == 0)
        {
            arguments[RandomJson.Names[random.Next(RandomJson.Names.Length)]] = _json.Value();
        }

        return arguments;
    }

    private static JsonObject? TryParseObject(byte[] seed)
    {
        try
        {
            // JsonNode reads names and strings lazily; read them all now so a lone surrogate fails here.
            JsonObject? root = JsonNode.Parse(seed) as JsonObject;
            Materialize(root);
            return root;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not parseable or not representable (duplicate keys): start from a fresh request instead.
            return null;
        }
    }

    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject members:
                foreach (KeyValuePair<string, JsonNode?> member in members)
                {
                    Materialize(member.Value);
                }

                break;
            case JsonArray items:
                foreach (JsonNode? item in items)
                {
                    Materialize(item);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                _ = value.GetValue<string>();
                break;
        }
    }
}
