using System.Text.Json.Serialization;

namespace Parkway.Qmp;

/// <summary>One <c>query-cpus-fast</c> entry (QEMU <c>CpuInfoFast</c>); listed for plugged CPUs only.</summary>
/// <param name="CpuIndex">QEMU's cpu-index (the slot number).</param>
/// <param name="QomPath">QOM path of the CPU object.</param>
/// <param name="ThreadId">Host thread id (TID) of the vCPU thread.</param>
/// <param name="Props">Topology of the CPU.</param>
/// <param name="Target">QEMU SysEmuTarget, e.g. <c>aarch64</c>.</param>
public sealed record QmpCpuInfoFast(
    [property: JsonPropertyName("cpu-index")] int CpuIndex,
    [property: JsonPropertyName("qom-path")] string QomPath,
    [property: JsonPropertyName("thread-id")] long ThreadId,
    [property: JsonPropertyName("props")] QmpCpuInstanceProperties? Props,
    [property: JsonPropertyName("target")] string Target = "aarch64");
