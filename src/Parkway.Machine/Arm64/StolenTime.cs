using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Kvm.Arm64;

namespace Parkway.Machine.Arm64;

/// <summary>
/// Paravirtual stolen time (Arm DEN0057A, Documentation/virt/kvm/arm/pvtime.rst): KVM writes each
/// vCPU's stolen time into a 64-byte structure in guest memory whose address the guest learns with
/// the PV_TIME_ST hypercall (answered by KVM). As on QEMU virt the structures live in their own
/// small memory region outside RAM (<see cref="VirtMemoryMap.PvtimeBase"/>, one structure per
/// possible vCPU in slot order, rounded up to the host page size), so it is not described to the
/// guest as RAM and a reset's clearing of RAM never touches it. Used only when the host has
/// KVM_CAP_STEAL_TIME.
/// </summary>
public sealed class StolenTime : IDisposable
{
    /// <summary>Bytes per vCPU (struct pvclock_vcpu_stolen_time, padded as the spec reserves).</summary>
    public const ulong BytesPerVcpu = 64;

    /// <summary>The KVM memory slot of the region (guest RAM is slot 0).</summary>
    public const uint MemorySlot = 1;

    private readonly nint _host;
    private readonly ulong _size;
    private bool _disposed;

    private StolenTime(nint host, ulong size)
    {
        _host = host;
        _size = size;
    }

    /// <summary>Size of the region for <paramref name="cpuCount"/> vCPUs (a whole number of host pages).</summary>
    public static ulong RegionSize(int cpuCount)
    {
        ulong page = (ulong)Environment.SystemPageSize;
        ulong bytes = (ulong)cpuCount * BytesPerVcpu;
        return (bytes + page - 1) / page * page;
    }

    /// <summary>
    /// Why stolen time cannot be offered on this host for <paramref name="cpuCount"/> vCPUs, or null
    /// when it can.
    /// </summary>
    public static string? Unavailable(KvmVm vm, int cpuCount)
    {
        ArgumentNullException.ThrowIfNull(vm);
        if (vm.CheckExtension(KvmArm64Capabilities.StealTime) <= 0)
        {
            return "the host's KVM lacks KVM_CAP_STEAL_TIME";
        }

        return RegionSize(cpuCount) > VirtMemoryMap.PvtimeSize
            ? $"{cpuCount} vCPUs need more than the {VirtMemoryMap.PvtimeSize >> 10} KiB stolen-time window"
            : null;
    }

    /// <summary>Maps the region for <paramref name="cpuCount"/> vCPUs into <paramref name="vm"/>.</summary>
    public static StolenTime Map(KvmVm vm, int cpuCount)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ulong size = RegionSize(cpuCount);
        nint host = Libc.Mmap(0, (nuint)size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
        if (host == Libc.MapFailed)
        {
            throw new KvmException("mmap(stolen-time region)", Errno.Last);
        }

        var region = new StolenTime(host, size);
        try
        {
            vm.SetUserMemoryRegion(MemorySlot, VirtMemoryMap.PvtimeBase, size, host);
            return region;
        }
        catch
        {
            region.Dispose();
            throw;
        }
    }

    /// <summary>Guest address of vCPU <paramref name="index"/>'s structure.</summary>
    public static ulong AddressOf(int index) => VirtMemoryMap.PvtimeBase + ((ulong)index * BytesPerVcpu);

    /// <summary>
    /// Gives vCPU <paramref name="vcpu"/> its structure. After a vCPU reset KVM may keep the address
    /// (EEXIST): it is read back and must be the same.
    /// </summary>
    public static void Configure(KvmVcpu vcpu)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        ulong address = AddressOf(vcpu.Id);
        try
        {
            vcpu.SetAttribute(KvmArm64Capabilities.PvtimeCtrl, KvmArm64Capabilities.PvtimeIpa, ref address, "KVM_SET_DEVICE_ATTR(PVTIME_IPA)");
        }
        catch (KvmException e) when (e.ErrorNumber == Errno.EEXIST)
        {
            ulong kept = vcpu.GetAttribute<ulong>(KvmArm64Capabilities.PvtimeCtrl, KvmArm64Capabilities.PvtimeIpa, "KVM_GET_DEVICE_ATTR(PVTIME_IPA)");
            if (kept != address)
            {
                throw new KvmException("KVM_SET_DEVICE_ATTR(PVTIME_IPA)", Errno.EEXIST, $"vCPU {vcpu.Id}: stolen time is at 0x{kept:x}, not 0x{address:x}");
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // SAFETY: the mapping was created in Map. Like guest RAM it is released after every vCPU
        // thread was joined and before the VM fd closes (the machine owns it after the VM), so no
        // guest access can reach it any more.
        Libc.Munmap(_host, (nuint)_size);
    }
}
