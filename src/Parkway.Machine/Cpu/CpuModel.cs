namespace Parkway.Machine.Cpu;

/// <summary>
/// The architecture's words for its CPUs, so shared code and error texts never hard-code them.
/// </summary>
/// <param name="TypeName">The CPU device type (QOM) name, e.g. arm64 <c>host-arm-cpu</c>.</param>
/// <param name="ArchIdName">What the architecture calls a CPU's id, e.g. arm64 <c>MPIDR</c>, x86 <c>APIC ID</c>.</param>
public sealed record CpuModel(string TypeName, string ArchIdName);
