namespace Parkway.Tests.Interop;

/// <summary>
/// Evaluates C expressions against the real arm64 Linux uapi headers (linux/kvm.h, asm/kvm.h) with
/// the aarch64 cross compiler (<see cref="CrossCompiledConstants"/>).
/// </summary>
internal static class Arm64Uapi
{
    // The SMCCC filter arrived in Linux 6.4 uapi. Older cross headers (Debian 12 ships 6.1) lack it,
    // so the struct is transcribed from include/uapi/linux/kvm.h (6.4+) for those: gcc still decides
    // its size and padding, which is what the C# layout has to match.
    private const string Prelude = """
        #include <stddef.h>
        #include <linux/kvm.h>
        #include <asm/kvm.h>
        #include <asm/ptrace.h>
        #ifdef KVM_ARM_VM_SMCCC_CTRL
        #define PARKWAY_HYPERCALL_FLAGS hypercall.flags
        #else
        struct kvm_smccc_filter { __u32 base; __u32 nr_functions; __u8 action; __u8 pad[15]; };
        #define KVM_ARM_VM_SMCCC_CTRL 0
        #define KVM_ARM_VM_SMCCC_FILTER 0
        /* Before 6.4 the same 8 bytes were "__u32 longmode; __u32 pad;". */
        #define PARKWAY_HYPERCALL_FLAGS hypercall.longmode
        #endif
        """;

    /// <summary>Evaluates each C expression (cast to unsigned long long) and returns the values in order.</summary>
    public static ulong[] Evaluate(IReadOnlyList<string> expressions) => CrossCompiledConstants.Evaluate(Prelude, expressions);
}
