namespace Parkway.Qmp;

/// <summary>QEMU's error classes (<c>QapiErrorClass</c> in qapi/error.json), spelled as on the wire.</summary>
public static class QmpErrorClass
{
    /// <summary>Almost every error.</summary>
    public const string GenericError = "GenericError";

    /// <summary>Unknown command, or the wrong command for the negotiation state.</summary>
    public const string CommandNotFound = "CommandNotFound";

    /// <summary>A device exists but is not active.</summary>
    public const string DeviceNotActive = "DeviceNotActive";

    /// <summary>No device with the given id (e.g. <c>device_del</c>).</summary>
    public const string DeviceNotFound = "DeviceNotFound";

    /// <summary>KVM lacks a capability the command needs.</summary>
    public const string KvmMissingCap = "KVMMissingCap";
}
