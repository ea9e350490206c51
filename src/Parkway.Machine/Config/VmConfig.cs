namespace Parkway.Machine.Config;

/// <summary>Where the guest's serial console goes.</summary>
public enum SerialMode
{
    /// <summary>Parkway's standard output.</summary>
    Stdio,
    /// <summary>A file (created or truncated).</summary>
    File,
    /// <summary>Discarded.</summary>
    Off,
}

/// <summary>Serial console destination.</summary>
public sealed record SerialConfig(SerialMode Mode, string? Path = null)
{
    /// <summary>Parses <c>stdio</c>, <c>off</c> or <c>file=PATH</c>.</summary>
    public static SerialConfig Parse(string text) => text switch
    {
        "stdio" => new SerialConfig(SerialMode.Stdio),
        "off" => new SerialConfig(SerialMode.Off),
        _ when text.StartsWith("file=", StringComparison.Ordinal) && text.Length > 5 => new SerialConfig(SerialMode.File, text[5..]),
        _ => throw new ConfigurationException($"--serial: expected stdio, off or file=PATH, got '{text}'"),
    };
}

/// <summary>Everything needed to build and run one VM; validated values only.</summary>
public sealed record VmConfig(
    string KernelPath,
    string? InitramfsPath,
    string Cmdline,
    CpuConfig Cpus,
    ulong MemoryBytes,
    SerialConfig Serial,
    bool Acpi,
    string? QmpSocketPath = null,
    DeviceConfig? Devices = null)
{
    /// <summary>The virtio devices (none when not given).</summary>
    public DeviceConfig VirtioDevices => Devices ?? DeviceConfig.None;
}
