using System.Text.Json;

namespace Parkway.Qmp.Protocol;

/// <summary>
/// A well-formed QMP request: <c>{"execute": name, "arguments": {...}, "id": any}</c>, checked like
/// QEMU's <c>qmp_dispatch_check_obj</c> (same rules, same texts). Elements belong to the caller's document.
/// </summary>
internal sealed record QmpRequest(string Command, JsonElement? Arguments, JsonElement? Id)
{
    /// <summary>
    /// Validates <paramref name="root"/>; on failure returns null with QEMU's text in
    /// <paramref name="error"/> and whatever <c>id</c> the object carried in <paramref name="id"/>
    /// (QEMU echoes it even in these errors).
    /// </summary>
    public static QmpRequest? TryParse(JsonElement root, out string? error, out JsonElement? id)
    {
        id = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "QMP input must be a JSON object";
            return null;
        }

        // The id is echoed whatever else is wrong, so find it first.
        foreach (JsonProperty member in root.EnumerateObject())
        {
            if (member.NameEquals("id"))
            {
                id = member.Value;
            }
        }

        string? command = null;
        JsonElement? arguments = null;
        foreach (JsonProperty member in root.EnumerateObject())
        {
            switch (member.Name)
            {
                case "execute":
                    if (member.Value.ValueKind != JsonValueKind.String)
                    {
                        error = "QMP input member 'execute' must be a string";
                        return null;
                    }

                    if (command is not null)
                    {
                        error = "QMP input member 'execute' clashes with 'execute'";
                        return null;
                    }

                    command = member.Value.GetString();
                    break;
                case "arguments":
                    if (member.Value.ValueKind != JsonValueKind.Object)
                    {
                        error = "QMP input member 'arguments' must be an object";
                        return null;
                    }

                    arguments = member.Value;
                    break;
                case "id":
                    break;
                default:
                    // Includes "exec-oob": out-of-band execution is not offered (see QmpServer).
                    error = $"QMP input member '{member.Name}' is unexpected";
                    return null;
            }
        }

        if (command is null)
        {
            error = "QMP input lacks member 'execute'";
            return null;
        }

        error = null;
        return new QmpRequest(command, arguments, id);
    }
}
