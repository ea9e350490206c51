using System.Runtime.CompilerServices;
using Parkway.Interop;

namespace Parkway.Tests.Interop;

/// <summary>
/// struct kvm_ioeventfd and struct kvm_irqfd (used to wire virtio-mmio notifications and
/// interrupts) and their flag values, checked against the arm64 uapi headers through
/// <see cref="Arm64Uapi"/>. The ioctl numbers and KVM_CAP_IOEVENTFD / KVM_CAP_IRQFD are covered
/// by <see cref="KvmAbiTests"/>, which reflects over every KvmIoctls / KvmCapability member.
/// </summary>
public sealed class KvmEventfdAbiTests
{
    private static readonly Lazy<Dictionary<string, ulong>> Headers = new(() =>
    {
        string[] expressions = [.. Rows().Select(static row => row.Expression).Distinct(StringComparer.Ordinal)];
        ulong[] values = Arm64Uapi.Evaluate(expressions);
        return expressions.Zip(values).ToDictionary(static p => p.First, static p => p.Second, StringComparer.Ordinal);
    });

    public static TheoryData<string, ulong, string> Layout
    {
        get
        {
            var data = new TheoryData<string, ulong, string>();
            foreach ((string name, ulong value, string expression) in Rows())
            {
                data.Add(name, value, expression);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Layout))]
    public void Value_equals_the_arm64_uapi(string name, ulong value, string expression) =>
        Assert.True(Headers.Value[expression] == value, $"{name} = {value}, but {expression} = {Headers.Value[expression]}");

    private static IEnumerable<(string Name, ulong Value, string Expression)> Rows()
    {
        var ioeventfd = default(KvmIoeventfd);
        yield return ("sizeof KvmIoeventfd", (ulong)Unsafe.SizeOf<KvmIoeventfd>(), "sizeof(struct kvm_ioeventfd)");
        yield return ("KvmIoeventfd.DataMatch", Offset(ref ioeventfd, ref ioeventfd.DataMatch), "offsetof(struct kvm_ioeventfd, datamatch)");
        yield return ("KvmIoeventfd.Address", Offset(ref ioeventfd, ref ioeventfd.Address), "offsetof(struct kvm_ioeventfd, addr)");
        yield return ("KvmIoeventfd.Length", Offset(ref ioeventfd, ref ioeventfd.Length), "offsetof(struct kvm_ioeventfd, len)");
        yield return ("KvmIoeventfd.Fd", Offset(ref ioeventfd, ref ioeventfd.Fd), "offsetof(struct kvm_ioeventfd, fd)");
        yield return ("KvmIoeventfd.Flags", Offset(ref ioeventfd, ref ioeventfd.Flags), "offsetof(struct kvm_ioeventfd, flags)");
        yield return ("KvmIoeventfdFlags.DataMatch", (ulong)KvmIoeventfdFlags.DataMatch, "KVM_IOEVENTFD_FLAG_DATAMATCH");
        yield return ("KvmIoeventfdFlags.Pio", (ulong)KvmIoeventfdFlags.Pio, "KVM_IOEVENTFD_FLAG_PIO");
        yield return ("KvmIoeventfdFlags.Deassign", (ulong)KvmIoeventfdFlags.Deassign, "KVM_IOEVENTFD_FLAG_DEASSIGN");

        var irqfd = default(KvmIrqfd);
        yield return ("sizeof KvmIrqfd", (ulong)Unsafe.SizeOf<KvmIrqfd>(), "sizeof(struct kvm_irqfd)");
        yield return ("KvmIrqfd.Fd", Offset(ref irqfd, ref irqfd.Fd), "offsetof(struct kvm_irqfd, fd)");
        yield return ("KvmIrqfd.Gsi", Offset(ref irqfd, ref irqfd.Gsi), "offsetof(struct kvm_irqfd, gsi)");
        yield return ("KvmIrqfd.Flags", Offset(ref irqfd, ref irqfd.Flags), "offsetof(struct kvm_irqfd, flags)");
        yield return ("KvmIrqfd.ResampleFd", Offset(ref irqfd, ref irqfd.ResampleFd), "offsetof(struct kvm_irqfd, resamplefd)");
        yield return ("KvmIrqfdFlags.Deassign", (ulong)KvmIrqfdFlags.Deassign, "KVM_IRQFD_FLAG_DEASSIGN");
        yield return ("KvmIrqfdFlags.Resample", (ulong)KvmIrqfdFlags.Resample, "KVM_IRQFD_FLAG_RESAMPLE");
    }

    private static ulong Offset<TStruct, TField>(ref TStruct instance, ref TField field)
        where TStruct : struct
        => (ulong)Unsafe.ByteOffset(ref Unsafe.As<TStruct, byte>(ref instance), ref Unsafe.As<TField, byte>(ref field));
}
