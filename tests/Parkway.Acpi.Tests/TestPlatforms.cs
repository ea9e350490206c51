using Parkway.Acpi;
using Parkway.Acpi.Arm64;

namespace Parkway.Acpi.Tests;

/// <summary>Platforms shaped like QEMU's virt board, with KVM's default MPIDR assignment.</summary>
internal static class TestPlatforms
{
    public const ulong GicdBase = 0x0800_0000;
    public const ulong GicrBase = 0x080A_0000;
    public const ulong RedistributorStride = 0x2_0000;
    public const ulong UartBase = 0x0900_0000;
    public const uint UartGsiv = 33;
    public const ulong GedBase = 0x0908_0000;
    public const uint GedGsiv = 41;
    public const ulong CpuHotplugBase = 0x090C_0000;
    public const ulong TablesBase = 0x4000_0000;

    /// <summary>KVM's MPIDR for a vCPU id: Aff0 = id[3:0], Aff1 = id[11:4], Aff2 = id[19:12], bit 31 set.</summary>
    public static ulong KvmMpidr(uint vcpuId) =>
        0x8000_0000UL | (vcpuId & 0xF) | (((vcpuId >> 4) & 0xFF) << 8) | (((vcpuId >> 12) & 0xFF) << 16);

    public static AcpiPlatform Create(int bootCpus, int possibleCpus, uint sockets = 1, uint clusters = 1, uint threads = 1, uint performanceInterruptGsiv = 0, (ulong Base, uint Gsiv)? rtc = null)
    {
        var cores = (uint)possibleCpus / (sockets * clusters * threads);
        var cpus = new List<AcpiCpu>();
        for (var i = 0u; i < possibleCpus; i++)
        {
            var thread = i % threads;
            var core = i / threads % cores;
            var cluster = i / (threads * cores) % clusters;
            var socket = i / (threads * cores * clusters);
            cpus.Add(new AcpiCpu(i, KvmMpidr(i), EnabledAtBoot: i < bootCpus, IsBootCpu: i == 0, socket, cluster, core, thread));
        }

        return new AcpiPlatform(
            cpus,
            (sockets, clusters, cores, threads),
            GedBase,
            GedGsiv,
            CpuHotplugBase,
            new Arm64AcpiPlatform(GicdBase, [(GicrBase, RedistributorStride * (ulong)possibleCpus)], UartBase, UartGsiv)
            {
                PerformanceInterruptGsiv = performanceInterruptGsiv,
                Rtc = rtc,
            });
    }
}
