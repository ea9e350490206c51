using System.Globalization;
using System.Text;

namespace Parkway.Virtio.Devices.Vsock;

/// <summary>
/// Parses <c>cid=N,socket=PATH</c> and checks the path, so the CLI can turn every mistake into one
/// <c>parkway: ...</c> line and exit 2 (each is a <see cref="VirtioConfigurationException"/>).
/// </summary>
public static class VsockOptionsParser
{
    /// <summary>sizeof(sun_path) − 1: the longest Unix socket path the kernel takes.</summary>
    public const int MaxUnixPath = 107;

    /// <summary>"_4294967295": the longest suffix a guest connection adds to the path.</summary>
    public const int PortSuffixLength = 11;

    /// <summary>Parses one --vsock value without touching the file system.</summary>
    public static VsockOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ulong? cid = null;
        string? socket = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in text.Split(','))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new VirtioConfigurationException($"--vsock: '{part}' is not key=value (expected cid=N,socket=PATH)");
            }

            string key = part[..equals], value = part[(equals + 1)..];
            if (!seen.Add(key))
            {
                throw new VirtioConfigurationException($"--vsock: '{key}' is given twice");
            }

            switch (key)
            {
                case "cid":
                    cid = ParseCid(value);
                    break;
                case "socket":
                    socket = CheckPathText(value);
                    break;
                default:
                    throw new VirtioConfigurationException($"--vsock: unknown option '{key}' (known: cid, socket)");
            }
        }

        if (cid is null)
        {
            throw new VirtioConfigurationException("--vsock: cid=N is required");
        }

        return socket is null
            ? throw new VirtioConfigurationException("--vsock: socket=PATH is required")
            : new VsockOptions(cid.Value, socket);
    }

    /// <summary>
    /// Checks the file system: the socket's directory exists and nothing is at the path yet (a
    /// stale socket from an earlier run must be removed by whoever owns it; Parkway never deletes
    /// a file it did not create).
    /// </summary>
    public static void CheckSocketPath(VsockOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(options.SocketPath));
        if (directory is null || !Directory.Exists(directory))
        {
            throw new VirtioConfigurationException($"--vsock: the directory of {options.SocketPath} does not exist");
        }

        if (File.Exists(options.SocketPath) || Directory.Exists(options.SocketPath))
        {
            throw new VirtioConfigurationException($"--vsock: {options.SocketPath} already exists (remove a stale socket, or pick another path)");
        }
    }

    private static ulong ParseCid(string value)
    {
        if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong cid))
        {
            throw new VirtioConfigurationException($"--vsock: cid '{value}' is not a decimal number");
        }

        return cid is < VirtioVsock.MinGuestCid or > VirtioVsock.MaxGuestCid
            ? throw new VirtioConfigurationException($"--vsock: cid {cid} is reserved or too large (a guest cid is {VirtioVsock.MinGuestCid}..{VirtioVsock.MaxGuestCid}; 0-2 are the hypervisor, local and host)")
            : cid;
    }

    private static string CheckPathText(string path)
    {
        if (path.Length == 0)
        {
            throw new VirtioConfigurationException("--vsock: socket path is empty");
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new VirtioConfigurationException("--vsock: socket path contains a NUL byte");
        }

        if (path.EndsWith('/'))
        {
            throw new VirtioConfigurationException($"--vsock: socket path '{path}' names a directory");
        }

        int limit = MaxUnixPath - PortSuffixLength;
        int bytes = Encoding.UTF8.GetByteCount(path);
        return bytes > limit
            ? throw new VirtioConfigurationException($"--vsock: socket path is {bytes} bytes; at most {limit} fit a Unix socket address with the '_PORT' suffix of guest connections")
            : path;
    }
}
