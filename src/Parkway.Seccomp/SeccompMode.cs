namespace Parkway.Seccomp;

/// <summary><c>--seccomp on|log|off</c>.</summary>
public enum SeccompMode
{
    /// <summary>A call outside the allow-list kills the process (SIGSYS); the kernel logs it.</summary>
    On,
    /// <summary>A call outside the allow-list is allowed and logged by the kernel (audit type 1326): for finding what a list lacks.</summary>
    Log,
    /// <summary>No filter (debugging).</summary>
    Off,
}

/// <summary>Parses the option's text.</summary>
public static class SeccompModeParser
{
    /// <summary>The mode for <paramref name="text"/>, or null when it is not one of on, log, off.</summary>
    public static SeccompMode? TryParse(string text) => text switch
    {
        "on" => SeccompMode.On,
        "log" => SeccompMode.Log,
        "off" => SeccompMode.Off,
        _ => null,
    };
}
