using Parkway.Interop;

namespace Parkway.Kvm;

/// <summary>
/// Every register of a vCPU, whatever its size: the list KVM gives (KVM_GET_REG_LIST) and
/// KVM_GET/SET_ONE_REG of any width. Used by snapshots, which must carry all of them.
/// </summary>
public static class KvmVcpuRegisters
{
    private const ulong SizeMask = 0x00F0_0000_0000_0000;
    private const int SizeShift = 52;
    private const int E2BIG = 7;

    /// <summary>The byte width a register id encodes (KVM_REG_SIZE: 1 &lt;&lt; bits 55..52).</summary>
    public static int SizeOf(ulong id) => 1 << (int)((id & SizeMask) >> SizeShift);

    /// <summary>KVM_GET_REG_LIST: the ids of every register this vCPU has (asked twice: count, then ids).</summary>
    public static unsafe ulong[] RegisterList(this KvmVcpu vcpu)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        ulong count = 0;
        // SAFETY: a struct kvm_reg_list with n = 0 and no room: the kernel only writes n (E2BIG).
        int result = Libc.Ioctl(vcpu.Handle, KvmIoctls.GetRegList, (nint)(&count));
        if (result >= 0)
        {
            return [];
        }

        int errno = Errno.Last;
        if (errno != E2BIG || count > 1 << 16)
        {
            throw new KvmException("KVM_GET_REG_LIST", errno);
        }

        ulong[] buffer = new ulong[count + 1];
        buffer[0] = count;
        // SAFETY: buffer is pinned and holds n (word 0) followed by room for n ids.
        fixed (ulong* list = buffer)
        {
            KvmIoctl.Invoke(vcpu.Handle, KvmIoctls.GetRegList, (nint)list, "KVM_GET_REG_LIST");
        }

        return buffer.AsSpan(1, (int)Math.Min(buffer[0], count)).ToArray();
    }

    /// <summary>KVM_GET_ONE_REG of any width: the register's bytes.</summary>
    public static unsafe byte[] GetRegisterBytes(this KvmVcpu vcpu, ulong id)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        byte[] value = new byte[SizeOf(id)];
        // SAFETY: value is pinned and exactly as long as the register the id names.
        fixed (byte* pointer = value)
        {
            var request = new KvmOneReg { Id = id, Address = (ulong)pointer };
            KvmIoctl.Invoke(vcpu.Handle, KvmIoctls.GetOneReg, ref request, $"KVM_GET_ONE_REG(0x{id:x})");
        }

        return value;
    }

    /// <summary>KVM_SET_ONE_REG of any width; <paramref name="value"/> must be the id's width.</summary>
    public static unsafe void SetRegisterBytes(this KvmVcpu vcpu, ulong id, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(vcpu);
        if (value.Length != SizeOf(id))
        {
            throw new ArgumentException($"register 0x{id:x} is {SizeOf(id)} bytes, {value.Length} given", nameof(value));
        }

        // SAFETY: value is pinned for the synchronous ioctl, which only reads it.
        fixed (byte* pointer = value)
        {
            var request = new KvmOneReg { Id = id, Address = (ulong)pointer };
            KvmIoctl.Invoke(vcpu.Handle, KvmIoctls.SetOneReg, ref request, $"KVM_SET_ONE_REG(0x{id:x})");
        }
    }
}
