using System.Text;

namespace Parkway.Virtio.Devices.Block;

/// <summary>
/// Parses <c>path=FILE[,readonly=on|off][,id=ID][,serial=S]</c> and checks the file, so the CLI can
/// turn every mistake into one <c>parkway: ...</c> line and exit 2. Each failure is a
/// <see cref="VirtioConfigurationException"/> whose message names the option and the problem.
/// </summary>
public static class BlockOptionsParser
{
    /// <summary>Parses one --disk value without touching the file system.</summary>
    public static BlockDiskOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? path = null, id = null, serial = null;
        bool readOnly = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in text.Split(','))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new VirtioConfigurationException($"--disk: '{part}' is not key=value (expected path=FILE[,readonly=on][,id=ID][,serial=S])");
            }

            string key = part[..equals], value = part[(equals + 1)..];
            if (!seen.Add(key))
            {
                throw new VirtioConfigurationException($"--disk: '{key}' is given twice");
            }

            switch (key)
            {
                case "path":
                    path = value.Length > 0 ? value : throw new VirtioConfigurationException("--disk: path is empty");
                    break;
                case "readonly":
                    readOnly = value switch
                    {
                        "on" => true,
                        "off" => false,
                        _ => throw new VirtioConfigurationException($"--disk: readonly must be on or off, not '{value}'"),
                    };
                    break;
                case "id":
                    id = value.Length > 0 ? value : throw new VirtioConfigurationException("--disk: id is empty");
                    break;
                case "serial":
                    serial = CheckSerial(value);
                    break;
                default:
                    throw new VirtioConfigurationException($"--disk: unknown option '{key}' (known: path, readonly, id, serial)");
            }
        }

        return path is null
            ? throw new VirtioConfigurationException("--disk: path=FILE is required")
            : new BlockDiskOptions(path, readOnly, id, serial);
    }

    /// <summary>
    /// Checks the image: it exists, is a regular file (not a directory), can be opened for reading
    /// (and writing unless read-only) and is a whole number of 512-byte sectors.
    /// </summary>
    public static void CheckImage(BlockDiskOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Directory.Exists(options.Path))
        {
            throw new VirtioConfigurationException($"--disk: {options.Path} is a directory, not a disk image");
        }

        if (!File.Exists(options.Path))
        {
            throw new VirtioConfigurationException($"--disk: {options.Path} does not exist");
        }

        try
        {
            using var handle = File.OpenHandle(options.Path, FileMode.Open, options.ReadOnly ? FileAccess.Read : FileAccess.ReadWrite);
            long length = RandomAccess.GetLength(handle);
            if (length % VirtioBlock.SectorSize != 0)
            {
                throw new VirtioConfigurationException($"--disk: {options.Path} is {length} bytes, not a multiple of {VirtioBlock.SectorSize}");
            }
        }
        catch (UnauthorizedAccessException)
        {
            string access = options.ReadOnly ? "reading" : "reading and writing (add readonly=on for a read-only disk)";
            throw new VirtioConfigurationException($"--disk: {options.Path} cannot be opened for {access}: permission denied");
        }
        catch (IOException e)
        {
            throw new VirtioConfigurationException($"--disk: {options.Path} cannot be opened: {e.Message}");
        }
    }

    private static string CheckSerial(string value)
    {
        if (Encoding.UTF8.GetByteCount(value) > VirtioBlock.IdBytes)
        {
            throw new VirtioConfigurationException($"--disk: serial '{value}' is longer than {VirtioBlock.IdBytes} bytes");
        }

        return value;
    }
}
