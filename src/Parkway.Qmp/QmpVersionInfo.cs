namespace Parkway.Qmp;

/// <summary>
/// The version advertised in the greeting and by <c>query-version</c>, in QEMU's shape
/// <c>{"qemu": {"micro": 0, "minor": 2, "major": 9}, "package": ""}</c>. Clients (libvirt, scripts)
/// gate features on the QEMU version, so advertise the QEMU release whose behaviour is mimicked.
/// </summary>
public sealed record QmpVersionInfo(int Major, int Minor, int Micro, string Package = "");
