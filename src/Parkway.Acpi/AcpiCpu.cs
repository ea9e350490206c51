namespace Parkway.Acpi;

/// <summary>One possible CPU as the ACPI tables describe it.</summary>
/// <param name="Uid">ACPI processor UID: the GICC's UID, the ACPI0007 device's <c>_UID</c> and its <c>C%03X</c> name.</param>
/// <param name="ArchId">The CPU's architecture id (arm64: MPIDR_EL1 read back from KVM, of which only the affinity bits are published).</param>
/// <param name="EnabledAtBoot">Cold-plugged: MADT GICC Enabled. Otherwise the GICC is Online Capable.</param>
/// <param name="IsBootCpu">The CPU the firmware/kernel starts on; it can never be ejected.</param>
/// <param name="SocketId">Socket index in the topology.</param>
/// <param name="ClusterId">Cluster index within the socket.</param>
/// <param name="CoreId">Core index within the cluster.</param>
/// <param name="ThreadId">Thread index within the core.</param>
public sealed record AcpiCpu(
    uint Uid,
    ulong ArchId,
    bool EnabledAtBoot,
    bool IsBootCpu,
    uint SocketId,
    uint ClusterId,
    uint CoreId,
    uint ThreadId)
{
    /// <summary>
    /// Whether the guest may eject this CPU: only CPUs that were not Enabled in the MADT. Linux's
    /// arm64 contract forbids changing <c>_STA</c> of a CPU the static tables call Enabled
    /// (kexec re-reads them), so cold-plugged CPUs and the boot CPU get no <c>_EJ0</c>.
    /// </summary>
    public bool IsEjectable => !EnabledAtBoot && !IsBootCpu;
}
