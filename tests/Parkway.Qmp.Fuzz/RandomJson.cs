using System.Text.Json.Nodes;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// Random JSON values biased towards what breaks QMP servers: the real command and parameter names,
/// wrong types, boundary numbers, strings with quotes, escapes, NULs, non-ASCII and lone surrogates,
/// long strings and deep nesting.
/// </summary>
internal sealed class RandomJson(Random random)
{
    public static readonly string[] Commands =
    [
        "qmp_capabilities", "query-version", "query-commands", "query-status", "query-hotpluggable-cpus",
        "query-cpus-fast", "query-cpus-powerstate", "query-cpus-power-state", "device_add", "device_del",
        "device_set", "stop", "cont", "system_powerdown", "quit", "query-pci", "human-monitor-command", "",
    ];

    public static readonly string[] Names =
    [
        "execute", "arguments", "id", "exec-oob", "control", "driver", "bus", "id", "socket-id", "cluster-id",
        "core-id", "thread-id", "node-id", "admin-state", "enable", "props", "", "a", "ID", "execute ",
    ];

    private static readonly string[] Strings =
    [
        "", "host-arm-cpu", "cpu1", "cpu2", "enable", "disable", "oob", "x", "\0", "a\0b", "é", "日本", "😀",
        "\ud800", "\udfff", "a\ud83d", "\ud83d\ude00", "'", "\"", "\\", "'\"\\/", "\n\r\t\b\f", "\u007f",
        "\u2028", "{\"execute\": \"quit\"}", "}]'\"", "\uffff", "\ufeff",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "2", "7", "255", "256", "4294967295", "4294967296", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "1.5", "-0.0", "1e400", "-1e400",
        "1E-400", "0.1e1", "123456789012345678901234567890", "1e308", "2.2250738585072014e-308",
    ];

    public JsonNode? Value(int depth = 0)
    {
        int choice = random.Next(depth > 3 ? 7 : 10);
        return choice switch
        {
            0 => null,
            1 => JsonValue.Create(random.Next(2) == 0),
            2 or 3 => Number(),
            4 or 5 or 6 => JsonValue.Create(String()),
            7 => Array(depth),
            8 => Object(depth),
            _ => random.Next(20) == 0 ? Nested(random.Next(1, 1100)) : Object(depth),
        };
    }

    public JsonNode Number() => JsonNode.Parse(Numbers[random.Next(Numbers.Length)])!;

    public string String() => random.Next(12) switch
    {
        0 => Commands[random.Next(Commands.Length)],
        1 => Names[random.Next(Names.Length)],
        2 => new string((char)random.Next(0x20, 0x7F), random.Next(1, random.Next(50) == 0 ? 70_000 : 300)),
        3 => Strings[random.Next(Strings.Length)] + Strings[random.Next(Strings.Length)],
        4 => new string(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(0, 0x10000)).ToArray()),
        _ => Strings[random.Next(Strings.Length)],
    };

    public string Name() => random.Next(3) == 0 ? String() : Names[random.Next(Names.Length)];

    public JsonObject Object(int depth)
    {
        var members = new JsonObject();
        if (random.Next(1000) == 0)
        {
            // Rarely tens of thousands of members (cost that grows faster than size shows there), of plain values.
            int many = random.Next(10_000, 30_000);
            for (int i = 0; i < many; i++)
            {
                members[Name() + i] = random.Next(2) == 0 ? Number() : JsonValue.Create(i);
            }

            return members;
        }

        int count = Count();
        for (int i = 0; i < count; i++)
        {
            members[Name()] = Value(depth + 1);
        }

        return members;
    }

    public JsonArray Array(int depth)
    {
        var items = new JsonArray();
        int count = Count();
        for (int i = 0; i < count; i++)
        {
            items.Add(Value(depth + 1));
        }

        return items;
    }

    /// <summary>Mostly a handful of members or items, sometimes hundreds.</summary>
    private int Count() => random.Next(random.Next(30) == 0 ? 300 : 5);

    /// <summary>Arrays and objects nested <paramref name="depth"/> deep (QEMU's limit is 1024).</summary>
    public JsonNode Nested(int depth)
    {
        JsonNode node = JsonValue.Create(0);
        for (int i = 0; i < depth; i++)
        {
            node = random.Next(2) == 0 ? new JsonArray(node) : new JsonObject { [Names[random.Next(Names.Length)]] = node };
        }

        return node;
    }
}
