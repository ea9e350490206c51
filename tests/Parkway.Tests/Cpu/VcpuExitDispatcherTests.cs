using Microsoft.Extensions.Logging.Abstractions;
using Parkway.Interop;
using Parkway.Kvm;
using Parkway.Machine;
using Parkway.Machine.Config;
using Parkway.Machine.Cpu;
using Parkway.Machine.Devices;
using Parkway.Tests.Fakes;

namespace Parkway.Tests.Cpu;

/// <summary>
/// The shared exit path, fed exits written into a fake vCPU's kvm_run page at the uapi offsets
/// (the offsets themselves are checked against the kernel header in KvmAbiTests).
/// </summary>
public sealed unsafe class VcpuExitDispatcherTests : IDisposable
{
    private const int ExitReason = 8;
    private const int Union = 32;

    private readonly FakeVcpu _vcpu = new(0);
    private readonly CpuSlot _slot;
    private readonly MmioBus _mmio = new();
    private readonly PortIoBus _ports = new();
    private readonly MachineLifetime _lifetime = new();
    private readonly ExitCounters _counters = new();
    private readonly RecordingArchitecture _architecture = new();
    private readonly VcpuExitDispatcher _dispatcher;

    public VcpuExitDispatcherTests()
    {
        _slot = new CpuSlot(0, new CpuTopologyIds(0, 0, 0, 0), _vcpu, 0x8000_0000, isBootCpu: true);
        _dispatcher = new VcpuExitDispatcher(_mmio, _ports, _lifetime, _counters, _architecture, NullLogger.Instance);
    }

    public void Dispose() => _vcpu.Dispose();

    private VcpuExitAction Exit(KvmExitReason reason, Action<nint> fields)
    {
        _vcpu.QueueExit(page =>
        {
            *(uint*)(page + ExitReason) = (uint)reason;
            fields(page);
        });
        Assert.True(_vcpu.Run());
        return _dispatcher.HandleExit(_slot);
    }

    private static void Mmio(nint page, ulong address, uint length, bool write, ulong data = 0)
    {
        *(ulong*)(page + Union) = address;
        *(ulong*)(page + Union + 8) = data;
        *(uint*)(page + Union + 16) = length;
        *(byte*)(page + Union + 20) = write ? (byte)1 : (byte)0;
    }

    private static void PortIo(nint page, ushort port, byte size, uint count, bool write, byte[] data)
    {
        const int dataOffset = 4096;
        *(byte*)(page + Union) = write ? (byte)1 : (byte)0;
        *(byte*)(page + Union + 1) = size;
        *(ushort*)(page + Union + 2) = port;
        *(uint*)(page + Union + 4) = count;
        *(ulong*)(page + Union + 8) = dataOffset;
        data.CopyTo(new Span<byte>((byte*)page + dataOffset, data.Length));
    }

    [Fact]
    public void An_mmio_store_reaches_the_device_at_its_offset_and_a_load_is_answered_in_place()
    {
        var device = new RecordingDevice { ReadValue = 0x5A };
        _mmio.Register(0x0900_0000, 0x1000, device);

        Assert.Equal(VcpuExitAction.Continue, Exit(KvmExitReason.Mmio, p => Mmio(p, 0x0900_0010, 4, write: true, data: 0x1122_3344)));
        Assert.Equal(VcpuExitAction.Continue, Exit(KvmExitReason.Mmio, p => Mmio(p, 0x0900_0020, 1, write: false)));

        (ulong offset, byte[] written) = Assert.Single(device.Writes);
        Assert.Equal(0x10UL, offset);
        Assert.Equal(new byte[] { 0x44, 0x33, 0x22, 0x11 }, written);
        Assert.Equal(0x5A, _vcpu.RunState.MmioData[0]);
        Assert.Equal(2, _counters.Mmio);
        Assert.Equal(0, _counters.UnhandledMmio);
    }

    [Fact]
    public void Mmio_where_no_device_lives_is_counted_and_reads_as_zero()
    {
        Exit(KvmExitReason.Mmio, p => Mmio(p, 0x1234_0000, 4, write: false, data: 0xFFFF_FFFF));

        Assert.Equal(0u, BitConverter.ToUInt32(_vcpu.RunState.MmioData));
        Assert.Equal(1, _counters.UnhandledMmio);
    }

    [Fact]
    public void String_port_output_reaches_the_device_once_per_element_and_unclaimed_ports_read_all_ones()
    {
        var device = new RecordingDevice();
        _ports.Register(0x3F8, 8, device);

        Exit(KvmExitReason.Io, p => PortIo(p, 0x3F9, 1, 3, write: true, [0x61, 0x62, 0x63]));
        Exit(KvmExitReason.Io, p => PortIo(p, 0x80, 2, 1, write: false, [0, 0]));

        Assert.Equal([1UL, 1UL, 1UL], device.Writes.Select(static w => w.Offset));
        Assert.Equal([0x61, 0x62, 0x63], device.Writes.SelectMany(static w => w.Data));
        Assert.Equal(new byte[] { 0xFF, 0xFF }, _vcpu.RunState.IoData.ToArray());
        Assert.Equal(2, _counters.PortIo);
        Assert.Equal(1, _counters.UnhandledPortIo);
    }

    [Theory]
    [InlineData(KvmSystemEventType.Shutdown, 0, ShutdownCause.GuestShutdown)]
    [InlineData(KvmSystemEventType.Crash, 1, ShutdownCause.GuestPanic)]
    public void System_events_end_the_machine(KvmSystemEventType type, int exitCode, ShutdownCause cause)
    {
        Assert.Equal(VcpuExitAction.Stop, Exit(KvmExitReason.SystemEvent, p => *(uint*)(p + Union) = (uint)type));

        MachineExit exit = _lifetime.WaitForExit();
        Assert.Equal(exitCode, exit.ExitCode);
        Assert.Equal(cause, exit.Cause);
        Assert.Equal(1, _counters.SystemEvent);
    }

    [Fact]
    public void A_guest_reset_asks_the_machine_for_a_reset_and_stops_this_vcpu_thread()
    {
        Assert.Equal(VcpuExitAction.Stop, Exit(KvmExitReason.SystemEvent, p => *(uint*)(p + Union) = (uint)KvmSystemEventType.Reset));

        Assert.Null(_lifetime.WaitForExitOrReset(out ResetCause cause));
        Assert.Equal(ResetCause.Guest, cause);
        Assert.False(_lifetime.Exited.IsCompleted);
        Assert.Equal(1, _counters.SystemEvent);
    }

    [Fact]
    public void With_on_reset_exit_a_guest_reset_ends_the_machine_with_exit_0()
    {
        _lifetime.OnReset = ResetAction.Exit;

        Assert.Equal(VcpuExitAction.Stop, Exit(KvmExitReason.SystemEvent, p => *(uint*)(p + Union) = (uint)KvmSystemEventType.Reset));

        MachineExit exit = _lifetime.WaitForExit();
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(ShutdownCause.GuestReset, exit.Cause);
    }

    [Fact]
    public void Exits_kvm_could_not_run_end_the_machine_with_exit_code_1()
    {
        Assert.Equal(VcpuExitAction.Stop, Exit(KvmExitReason.FailEntry, p => *(ulong*)(p + Union) = 0x80));

        MachineExit exit = _lifetime.WaitForExit();
        Assert.Equal(1, exit.ExitCode);
        Assert.Contains("KVM_EXIT_FAIL_ENTRY (reason 0x80)", exit.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Hypercalls_go_to_the_architecture_and_an_exit_nobody_knows_is_fatal()
    {
        Assert.Equal(VcpuExitAction.Continue, Exit(KvmExitReason.Hypercall, p => *(ulong*)(p + Union) = 0x8400_0003));
        Assert.Equal([KvmExitReason.Hypercall], _architecture.Seen);
        Assert.Equal(1, _counters.Hypercall);

        Assert.Equal(VcpuExitAction.Stop, Exit(KvmExitReason.Debug, static _ => { }));
        Assert.Contains("unexpected exit reason 4", _lifetime.WaitForExit().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kick_is_counted_and_the_vcpu_goes_back_in()
    {
        Assert.Equal(VcpuExitAction.Continue, Exit(KvmExitReason.Intr, static _ => { }));
        Assert.Equal(1, _counters.Interrupted);
        Assert.False(_lifetime.Exited.IsCompleted);
    }

    private sealed class RecordingArchitecture : IArchitectureExitHandler
    {
        public List<KvmExitReason> Seen { get; } = [];

        public VcpuExitAction? HandleExit(CpuSlot slot, KvmRun run)
        {
            if (run.ExitReason != KvmExitReason.Hypercall)
            {
                return null;
            }

            Seen.Add(run.ExitReason);
            return VcpuExitAction.Continue;
        }
    }

    private sealed class RecordingDevice : IMmioDevice, IPortIoDevice
    {
        public byte ReadValue { get; init; }

        public List<(ulong Offset, byte[] Data)> Writes { get; } = [];

        public void Read(ulong offset, Span<byte> data) => data.Fill(ReadValue);

        public void Write(ulong offset, ReadOnlySpan<byte> data) => Writes.Add((offset, data.ToArray()));

        public void Read(ushort offset, Span<byte> data) => data.Fill(ReadValue);

        public void Write(ushort offset, ReadOnlySpan<byte> data) => Writes.Add((offset, data.ToArray()));
    }
}
