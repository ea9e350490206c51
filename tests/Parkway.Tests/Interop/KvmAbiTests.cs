using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine.Arm64;

namespace Parkway.Tests.Interop;

/// <summary>
/// Every number and layout Parkway shares with the kernel, checked against the arm64 uapi headers
/// as gcc sees them (see <see cref="Arm64Uapi"/>). Tables are built by reflection where the C#
/// names follow the kernel's, so a constant added later is checked without editing this file.
/// </summary>
public sealed unsafe class KvmAbiTests
{
    private static readonly Lazy<Dictionary<string, ulong>> Headers = new(EvaluateAllExpressions);

    // kvm_run fields read by KvmRun, with the offsets it hard-codes.
    private static readonly (string Expression, int Offset)[] KvmRunFields =
    [
        ("offsetof(struct kvm_run, immediate_exit)", 1),
        ("offsetof(struct kvm_run, exit_reason)", 8),
        ("offsetof(struct kvm_run, mmio.phys_addr)", 32),
        ("offsetof(struct kvm_run, mmio.data)", 40),
        ("offsetof(struct kvm_run, mmio.len)", 48),
        ("offsetof(struct kvm_run, mmio.is_write)", 52),
        ("offsetof(struct kvm_run, system_event.type)", 32),
        ("offsetof(struct kvm_run, hypercall.nr)", 32),
        ("offsetof(struct kvm_run, PARKWAY_HYPERCALL_FLAGS)", 96),
        ("offsetof(struct kvm_run, fail_entry.hardware_entry_failure_reason)", 32),
        ("offsetof(struct kvm_run, internal.suberror)", 32),
        ("offsetof(struct kvm_run, arm_nisv.esr_iss)", 32),
        ("offsetof(struct kvm_run, arm_nisv.fault_ipa)", 40),
        ("offsetof(struct kvm_run, io.direction)", 32),
        ("offsetof(struct kvm_run, io.size)", 33),
        ("offsetof(struct kvm_run, io.port)", 34),
        ("offsetof(struct kvm_run, io.count)", 36),
        ("offsetof(struct kvm_run, io.data_offset)", 40),
    ];

    // Values KvmRun compares port I/O exits against.
    private static readonly string[] PortIoDirections = ["KVM_EXIT_IO_IN", "KVM_EXIT_IO_OUT"];

    private static readonly string[] KvmRunSize = ["sizeof(struct kvm_run)"];

    /// <summary>C# ioctl field name, its value, and the uapi macro it must equal.</summary>
    public static TheoryData<string, uint, string> IoctlNumbers
    {
        get
        {
            var data = new TheoryData<string, uint, string>();
            foreach (FieldInfo member in typeof(KvmIoctls).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                data.Add(member.Name, (uint)member.GetValue(null)!, "KVM_" + ToUpperSnake(member.Name));
            }

            return data;
        }
    }

    /// <summary>Enum members and KVM_CAP_* constants with the uapi macro each must equal.</summary>
    public static TheoryData<string, ulong, string> ConstantValues
    {
        get
        {
            var data = new TheoryData<string, ulong, string>();
            AddEnum<KvmExitReason>(data, "KVM_EXIT_");
            AddEnum<KvmSystemEventType>(data, "KVM_SYSTEM_EVENT_");
            AddEnum<KvmMpState>(data, "KVM_MP_STATE_");
            foreach (FieldInfo member in typeof(KvmCapability).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                // The kernel spells the PSCI 0.2 capability with its version's underscores.
                string macro = member.Name == nameof(KvmCapability.ArmPsci02) ? "KVM_CAP_ARM_PSCI_0_2" : "KVM_CAP_" + ToUpperSnake(member.Name);
                data.Add($"{nameof(KvmCapability)}.{member.Name}", (ulong)(int)member.GetValue(null)!, macro);
            }

            data.Add("VgicV3.DeviceType", VgicV3.DeviceType, "KVM_DEV_TYPE_ARM_VGIC_V3");
            data.Add("KvmArm64Capabilities.ArmPmuV3", KvmArm64Capabilities.ArmPmuV3, "KVM_CAP_ARM_PMU_V3");
            data.Add("KvmArm64Capabilities.StealTime", KvmArm64Capabilities.StealTime, "KVM_CAP_STEAL_TIME");
            data.Add("KvmArm64Capabilities.FeaturePmuV3", KvmArm64Capabilities.FeaturePmuV3, "KVM_ARM_VCPU_PMU_V3");
            data.Add("KvmArm64Capabilities.PmuV3Ctrl", KvmArm64Capabilities.PmuV3Ctrl, "KVM_ARM_VCPU_PMU_V3_CTRL");
            data.Add("KvmArm64Capabilities.PmuV3Irq", KvmArm64Capabilities.PmuV3Irq, "KVM_ARM_VCPU_PMU_V3_IRQ");
            data.Add("KvmArm64Capabilities.PmuV3Init", KvmArm64Capabilities.PmuV3Init, "KVM_ARM_VCPU_PMU_V3_INIT");
            data.Add("KvmArm64Capabilities.PvtimeCtrl", KvmArm64Capabilities.PvtimeCtrl, "KVM_ARM_VCPU_PVTIME_CTRL");
            data.Add("KvmArm64Capabilities.PvtimeIpa", KvmArm64Capabilities.PvtimeIpa, "KVM_ARM_VCPU_PVTIME_IPA");
            data.Add("VgicV3.GroupRedistributorRegisters", VgicV3.GroupRedistributorRegisters, "KVM_DEV_ARM_VGIC_GRP_REDIST_REGS");
            data.Add("VgicV3.GroupDistributorRegisters", VgicV3.GroupDistributorRegisters, "KVM_DEV_ARM_VGIC_GRP_DIST_REGS");
            data.Add("VgicV3.GroupCpuSystemRegisters", VgicV3.GroupCpuSystemRegisters, "KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS");
            data.Add("VgicV3.GroupLevelInfo", VgicV3.GroupLevelInfo, "KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO");
            data.Add("VgicV3.LevelInfoShift", VgicV3.LevelInfoShift, "KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT");
            data.Add("VgicV3.LevelInfoLineLevel", VgicV3.LevelInfoLineLevel, "VGIC_LEVEL_INFO_LINE_LEVEL");
            // The ICC registers as KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS names them: the sysreg id's instruction bits.
            data.Add("ICC_SRE_EL1", VgicV3.SystemRegister(12, 12, 5), "(ARM64_SYS_REG(3, 0, 12, 12, 5) & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK)");
            data.Add("ICC_PMR_EL1", VgicV3.SystemRegister(4, 6, 0), "(ARM64_SYS_REG(3, 0, 4, 6, 0) & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK)");
            data.Add("ICC_AP1R3_EL1", VgicV3.SystemRegister(12, 9, 3), "(ARM64_SYS_REG(3, 0, 12, 9, 3) & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK)");
            // Register widths a snapshot reads from the id: a 32-bit, a 64-bit and a 128-bit one.
            data.Add("KvmVcpuRegisters.SizeOf(pstate)", (ulong)KvmVcpuRegisters.SizeOf(0x6030_0000_0010_0042), "KVM_REG_SIZE(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(regs.pstate))");
            data.Add("KvmVcpuRegisters.SizeOf(fpsr)", (ulong)KvmVcpuRegisters.SizeOf(0x6020_0000_0010_00D4), "KVM_REG_SIZE(KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(fp_regs.fpsr))");
            data.Add("KvmVcpuRegisters.SizeOf(v0)", (ulong)KvmVcpuRegisters.SizeOf(0x6040_0000_0010_0054), "KVM_REG_SIZE(KVM_REG_ARM64 | KVM_REG_SIZE_U128 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(fp_regs.vregs[0]))");
            data.Add("Arm64Registers.X(0)", Arm64Registers.X(0), CoreRegister("regs.regs[0]"));
            data.Add("Arm64Registers.X(1)", Arm64Registers.X(1), CoreRegister("regs.regs[1]"));
            data.Add("Arm64Registers.X(30)", Arm64Registers.X(30), CoreRegister("regs.regs[30]"));
            data.Add("Arm64Registers.Pc", Arm64Registers.Pc, CoreRegister("regs.pc"));
            data.Add("Arm64Registers.Pstate", Arm64Registers.Pstate, CoreRegister("regs.pstate"));
            data.Add("Arm64Registers.MpidrEl1", Arm64Registers.MpidrEl1, "ARM64_SYS_REG(3, 0, 0, 0, 5)");
            data.Add("Arm64Registers.PstateEl1hAllMasked", Arm64Registers.PstateEl1hAllMasked, "PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT");
            return data;
        }
    }

    /// <summary>Sizes and field offsets of the interop structs with the C expression each must equal.</summary>
    public static TheoryData<string, int, string> StructLayouts
    {
        get
        {
            var data = new TheoryData<string, int, string>();

            var region = default(KvmUserspaceMemoryRegion);
            data.Add("sizeof KvmUserspaceMemoryRegion", Unsafe.SizeOf<KvmUserspaceMemoryRegion>(), "sizeof(struct kvm_userspace_memory_region)");
            data.Add("KvmUserspaceMemoryRegion.Slot", Offset(ref region, ref region.Slot), "offsetof(struct kvm_userspace_memory_region, slot)");
            data.Add("KvmUserspaceMemoryRegion.Flags", Offset(ref region, ref region.Flags), "offsetof(struct kvm_userspace_memory_region, flags)");
            data.Add("KvmUserspaceMemoryRegion.GuestPhysAddr", Offset(ref region, ref region.GuestPhysAddr), "offsetof(struct kvm_userspace_memory_region, guest_phys_addr)");
            data.Add("KvmUserspaceMemoryRegion.MemorySize", Offset(ref region, ref region.MemorySize), "offsetof(struct kvm_userspace_memory_region, memory_size)");
            data.Add("KvmUserspaceMemoryRegion.UserspaceAddr", Offset(ref region, ref region.UserspaceAddr), "offsetof(struct kvm_userspace_memory_region, userspace_addr)");

            var init = default(KvmVcpuInit);
            data.Add("sizeof KvmVcpuInit", Unsafe.SizeOf<KvmVcpuInit>(), "sizeof(struct kvm_vcpu_init)");
            data.Add("KvmVcpuInit.Target", Offset(ref init, ref init.Target), "offsetof(struct kvm_vcpu_init, target)");
            data.Add("KvmVcpuInit.Features", Offset(ref init, ref init.Features[0]), "offsetof(struct kvm_vcpu_init, features)");
            data.Add("KvmVcpuInit.Features length", sizeof(uint) * 7, "sizeof(((struct kvm_vcpu_init *)0)->features)");

            var oneReg = default(KvmOneReg);
            data.Add("sizeof KvmOneReg", Unsafe.SizeOf<KvmOneReg>(), "sizeof(struct kvm_one_reg)");
            data.Add("KvmOneReg.Id", Offset(ref oneReg, ref oneReg.Id), "offsetof(struct kvm_one_reg, id)");
            data.Add("KvmOneReg.Address", Offset(ref oneReg, ref oneReg.Address), "offsetof(struct kvm_one_reg, addr)");

            var attr = default(KvmDeviceAttr);
            data.Add("sizeof KvmDeviceAttr", Unsafe.SizeOf<KvmDeviceAttr>(), "sizeof(struct kvm_device_attr)");
            data.Add("KvmDeviceAttr.Flags", Offset(ref attr, ref attr.Flags), "offsetof(struct kvm_device_attr, flags)");
            data.Add("KvmDeviceAttr.Group", Offset(ref attr, ref attr.Group), "offsetof(struct kvm_device_attr, group)");
            data.Add("KvmDeviceAttr.Attribute", Offset(ref attr, ref attr.Attribute), "offsetof(struct kvm_device_attr, attr)");
            data.Add("KvmDeviceAttr.Address", Offset(ref attr, ref attr.Address), "offsetof(struct kvm_device_attr, addr)");

            var create = default(KvmCreateDevice);
            data.Add("sizeof KvmCreateDevice", Unsafe.SizeOf<KvmCreateDevice>(), "sizeof(struct kvm_create_device)");
            data.Add("KvmCreateDevice.Type", Offset(ref create, ref create.Type), "offsetof(struct kvm_create_device, type)");
            data.Add("KvmCreateDevice.Fd", Offset(ref create, ref create.Fd), "offsetof(struct kvm_create_device, fd)");
            data.Add("KvmCreateDevice.Flags", Offset(ref create, ref create.Flags), "offsetof(struct kvm_create_device, flags)");

            var irq = default(KvmIrqLevel);
            data.Add("sizeof KvmIrqLevel", Unsafe.SizeOf<KvmIrqLevel>(), "sizeof(struct kvm_irq_level)");
            data.Add("KvmIrqLevel.Irq", Offset(ref irq, ref irq.Irq), "offsetof(struct kvm_irq_level, irq)");
            data.Add("KvmIrqLevel.Level", Offset(ref irq, ref irq.Level), "offsetof(struct kvm_irq_level, level)");

            var filter = default(KvmSmcccFilter);
            data.Add("sizeof KvmSmcccFilter", Unsafe.SizeOf<KvmSmcccFilter>(), "sizeof(struct kvm_smccc_filter)");
            data.Add("KvmSmcccFilter.Base", Offset(ref filter, ref filter.Base), "offsetof(struct kvm_smccc_filter, base)");
            data.Add("KvmSmcccFilter.FunctionCount", Offset(ref filter, ref filter.FunctionCount), "offsetof(struct kvm_smccc_filter, nr_functions)");
            data.Add("KvmSmcccFilter.Action", Offset(ref filter, ref filter.Action), "offsetof(struct kvm_smccc_filter, action)");

            data.Add("sizeof KvmEnableCap", Unsafe.SizeOf<KvmEnableCap>(), "sizeof(struct kvm_enable_cap)");
            data.Add("KvmEnableCap.Args", (int)Marshal.OffsetOf<KvmEnableCap>(nameof(KvmEnableCap.Args)), "offsetof(struct kvm_enable_cap, args)");
            data.Add("sizeof KvmVcpuEvents", Unsafe.SizeOf<KvmVcpuEvents>(), "sizeof(struct kvm_vcpu_events)");
            data.Add("KvmVcpuEvents.ExtDabtPending", (int)Marshal.OffsetOf<KvmVcpuEvents>(nameof(KvmVcpuEvents.ExtDabtPending)), "offsetof(struct kvm_vcpu_events, exception.ext_dabt_pending)");
            data.Add("KvmVcpuEvents.SerrorEsr", (int)Marshal.OffsetOf<KvmVcpuEvents>(nameof(KvmVcpuEvents.SerrorEsr)), "offsetof(struct kvm_vcpu_events, exception.serror_esr)");

            // KvmMpState travels as a bare u32 (struct kvm_mp_state) and KvmVcpu.SetSignalMask builds
            // struct kvm_signal_mask by hand: a 4-byte len, then the sigset bytes.
            data.Add("sizeof kvm_mp_state (KvmMpState is a uint)", sizeof(KvmMpState), "sizeof(struct kvm_mp_state)");
            data.Add("kvm_signal_mask.sigset offset used by SetSignalMask", 4, "offsetof(struct kvm_signal_mask, sigset)");
            return data;
        }
    }

    /// <summary>kvm_run fields with the offsets KvmRun reads them at.</summary>
    public static TheoryData<string, int> KvmRunOffsets
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach ((string expression, int offset) in KvmRunFields)
            {
                data.Add(expression, offset);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(IoctlNumbers))]
    public void Ioctl_number_equals_the_arm64_uapi_macro(string name, uint value, string macro)
    {
        Assert.True(Header(macro) == value, $"KvmIoctls.{name} = 0x{value:x8}, but {macro} = 0x{Header(macro):x8}");
    }

    [Theory]
    [MemberData(nameof(ConstantValues))]
    public void Constant_equals_the_arm64_uapi_value(string name, ulong value, string expression)
    {
        Assert.True(Header(expression) == value, $"{name} = 0x{value:x}, but {expression} = 0x{Header(expression):x}");
    }

    [Theory]
    [MemberData(nameof(StructLayouts))]
    public void Struct_size_or_field_offset_equals_the_C_layout(string name, int value, string expression)
    {
        Assert.True(Header(expression) == (ulong)value, $"{name} = {value}, but {expression} = {Header(expression)}");
    }

    [Theory]
    [MemberData(nameof(KvmRunOffsets))]
    public void Kvm_run_field_offset_hard_coded_in_KvmRun_equals_the_C_layout(string expression, int offset)
    {
        Assert.Equal((ulong)offset, Header(expression));
    }

    [Fact]
    public void Every_ioctl_number_field_is_checked_by_name()
    {
        // Guards the reflection above: a renamed or non-uint field would silently drop out.
        FieldInfo[] fields = typeof(KvmIoctls).GetFields(BindingFlags.Public | BindingFlags.Static);
        Assert.True(fields.Length >= 19, $"only {fields.Length} ioctl fields found");
        Assert.All(fields, field => Assert.Equal(typeof(uint), field.FieldType));
    }

    [Fact]
    public void KvmRun_reads_mmio_exit_fields_from_a_page_laid_out_as_the_kernel_lays_it_out()
    {
        using var page = new NativePage((int)Header("sizeof(struct kvm_run)"));
        *(uint*)(page.Pointer + (int)Header("offsetof(struct kvm_run, exit_reason)")) = (uint)KvmExitReason.Mmio;
        *(ulong*)(page.Pointer + (int)Header("offsetof(struct kvm_run, mmio.phys_addr)")) = 0x0900_0018;
        *(uint*)(page.Pointer + (int)Header("offsetof(struct kvm_run, mmio.len)")) = 4;
        page.Pointer[(int)Header("offsetof(struct kvm_run, mmio.is_write)")] = 1;
        byte* data = page.Pointer + (int)Header("offsetof(struct kvm_run, mmio.data)");
        data[0] = 0x41;
        data[3] = 0x7F;

        KvmRun run = ViewOf(page.Pointer);

        Assert.Equal(KvmExitReason.Mmio, run.ExitReason);
        Assert.Equal(0x0900_0018UL, run.MmioPhysAddr);
        Assert.Equal(4u, run.MmioLength);
        Assert.True(run.MmioIsWrite);
        Assert.Equal(new byte[] { 0x41, 0, 0, 0x7F }, run.MmioData.ToArray());
    }

    [Fact]
    public void KvmRun_answers_an_mmio_load_in_the_kernel_data_field()
    {
        using var page = new NativePage((int)Header("sizeof(struct kvm_run)"));
        *(uint*)(page.Pointer + (int)Header("offsetof(struct kvm_run, mmio.len)")) = 2;

        ViewOf(page.Pointer).MmioData.Fill(0xAB);

        byte* data = page.Pointer + (int)Header("offsetof(struct kvm_run, mmio.data)");
        Assert.Equal(0xAB, data[0]);
        Assert.Equal(0xAB, data[1]);
        Assert.Equal(0, data[2]);
    }

    [Fact]
    public void KvmRun_reads_system_event_and_hypercall_fields_at_the_kernel_offsets()
    {
        using var page = new NativePage((int)Header("sizeof(struct kvm_run)"));
        KvmRun run = ViewOf(page.Pointer);

        *(uint*)(page.Pointer + (int)Header("offsetof(struct kvm_run, system_event.type)")) = (uint)KvmSystemEventType.Reset;
        Assert.Equal(KvmSystemEventType.Reset, run.SystemEventType);

        *(ulong*)(page.Pointer + (int)Header("offsetof(struct kvm_run, hypercall.nr)")) = 0xC400_0003;
        *(ulong*)(page.Pointer + (int)Header("offsetof(struct kvm_run, PARKWAY_HYPERCALL_FLAGS)")) = 1;
        Assert.Equal(0xC400_0003UL, run.HypercallNumber);
        Assert.Equal(1UL, run.HypercallFlags);
    }

    [Fact]
    public void KvmRun_reads_a_port_io_exit_and_its_data_at_data_offset()
    {
        using var page = new NativePage((int)Header("sizeof(struct kvm_run)") + 64);
        KvmRun run = ViewOf(page.Pointer);
        int dataOffset = (int)Header("sizeof(struct kvm_run)");
        page.Pointer[(int)Header("offsetof(struct kvm_run, io.direction)")] = (byte)Header("KVM_EXIT_IO_OUT");
        page.Pointer[(int)Header("offsetof(struct kvm_run, io.size)")] = 2;
        *(ushort*)(page.Pointer + (int)Header("offsetof(struct kvm_run, io.port)")) = 0x3F8;
        *(uint*)(page.Pointer + (int)Header("offsetof(struct kvm_run, io.count)")) = 3;
        *(ulong*)(page.Pointer + (int)Header("offsetof(struct kvm_run, io.data_offset)")) = (ulong)dataOffset;
        for (int i = 0; i < 6; i++)
        {
            page.Pointer[dataOffset + i] = (byte)(0x10 + i);
        }

        Assert.True(run.IoIsWrite);
        Assert.Equal(2, run.IoSize);
        Assert.Equal((ushort)0x3F8, run.IoPort);
        Assert.Equal(3, run.IoCount);
        Assert.Equal(new byte[] { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15 }, run.IoData.ToArray());

        page.Pointer[(int)Header("offsetof(struct kvm_run, io.direction)")] = (byte)Header("KVM_EXIT_IO_IN");
        Assert.False(run.IoIsWrite);
    }

    [Fact]
    public void KvmRun_immediate_exit_writes_the_kernel_byte()
    {
        using var page = new NativePage((int)Header("sizeof(struct kvm_run)"));
        KvmRun run = ViewOf(page.Pointer);
        int offset = (int)Header("offsetof(struct kvm_run, immediate_exit)");

        run.ImmediateExit = true;
        Assert.Equal(1, page.Pointer[offset]);
        Assert.True(run.ImmediateExit);

        run.ImmediateExit = false;
        Assert.Equal(0, page.Pointer[offset]);
        Assert.Equal(0, page.Pointer[offset - 1]);
        Assert.Equal(0, page.Pointer[offset + 1]);
    }

    private static ulong Header(string expression) =>
        Headers.Value.TryGetValue(expression, out ulong value)
            ? value
            : throw new InvalidOperationException($"test bug: '{expression}' is not in the evaluated expression list");

    private static Dictionary<string, ulong> EvaluateAllExpressions()
    {
        var expressions = new List<string>();
        expressions.AddRange(IoctlNumbers.Select(static row => (string)row[2]));
        expressions.AddRange(ConstantValues.Select(static row => (string)row[2]));
        expressions.AddRange(StructLayouts.Select(static row => (string)row[2]));
        expressions.AddRange(KvmRunFields.Select(static field => field.Expression));
        expressions.AddRange(KvmRunSize);
        expressions.AddRange(PortIoDirections);
        string[] distinct = [.. expressions.Distinct(StringComparer.Ordinal)];
        ulong[] values = Arm64Uapi.Evaluate(distinct);
        return distinct.Zip(values).ToDictionary(static pair => pair.First, static pair => pair.Second, StringComparer.Ordinal);
    }

    /// <summary>
    /// KvmRun's constructor is internal to Parkway.Kvm; the struct is exactly one page pointer, so a
    /// pointer-sized value reinterpreted as a KvmRun is the same view KvmVcpu.RunState hands out.
    /// </summary>
    private static KvmRun ViewOf(byte* page)
    {
        Assert.Equal(sizeof(nint), Unsafe.SizeOf<KvmRun>());
        nint address = (nint)page;
        return Unsafe.As<nint, KvmRun>(ref address);
    }

    private static int Offset<TStruct, TField>(ref TStruct instance, ref TField field)
        where TStruct : struct
        => (int)Unsafe.ByteOffset(ref Unsafe.As<TStruct, byte>(ref instance), ref Unsafe.As<TField, byte>(ref field));

    private static void AddEnum<TEnum>(TheoryData<string, ulong, string> data, string prefix)
        where TEnum : struct, Enum
    {
        foreach (TEnum member in Enum.GetValues<TEnum>())
        {
            data.Add($"{typeof(TEnum).Name}.{member}", Convert.ToUInt64(member, System.Globalization.CultureInfo.InvariantCulture), prefix + ToUpperSnake(member.ToString()));
        }
    }

    private static string CoreRegister(string field) =>
        $"KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG({field})";

    /// <summary>"SetUserMemoryRegion" → "SET_USER_MEMORY_REGION".</summary>
    private static string ToUpperSnake(string pascal)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(pascal[i]));
        }

        return builder.ToString();
    }

    /// <summary>Zeroed native memory standing in for a vCPU's kvm_run mapping.</summary>
    private sealed class NativePage : IDisposable
    {
        public NativePage(int size) => Pointer = (byte*)NativeMemory.AllocZeroed((nuint)size);

        public byte* Pointer { get; }

        // SAFETY: Pointer came from NativeMemory.AllocZeroed and is freed once, after the test.
        public void Dispose() => NativeMemory.Free(Pointer);
    }
}
