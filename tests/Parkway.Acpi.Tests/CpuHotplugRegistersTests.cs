using System.Buffers.Binary;
using Parkway.Acpi.Registers;

namespace Parkway.Acpi.Tests;

public class CpuHotplugRegistersTests
{
    private readonly FakeCpuHotplugBackend _backend = new(possible: 8, bootCpus: 2);
    private readonly CpuHotplugRegisters _registers;
    private readonly List<RegisterFault> _rejections = [];

    public CpuHotplugRegistersTests()
    {
        _registers = new CpuHotplugRegisters(_backend);
        _registers.Rejected += _rejections.Add;
    }

    private void Select(uint slot) => WriteDword(0, slot);

    private void WriteDword(uint offset, uint value)
    {
        Span<byte> data = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, value);
        _registers.Write(offset, data);
    }

    private void WriteByte(uint offset, byte value) => _registers.Write(offset, [value]);

    private uint ReadDword(uint offset)
    {
        Span<byte> data = stackalloc byte[4];
        _registers.Read(offset, data);
        return BinaryPrimitives.ReadUInt32LittleEndian(data);
    }

    private byte ReadFlags()
    {
        Span<byte> data = stackalloc byte[1];
        _registers.Read(4, data);
        return data[0];
    }

    [Fact]
    public void Flags_report_enabled_insert_and_remove_for_the_selected_cpu()
    {
        Select(0);
        Assert.Equal(0x1, ReadFlags()); // boot CPU: enabled, no events
        Select(5);
        Assert.Equal(0x0, ReadFlags());
        _backend.Plug(5);
        Assert.Equal(0x3, ReadFlags()); // enabled + insert
        _backend.RequestUnplug(5);
        Assert.Equal(0x7, ReadFlags());
    }

    [Fact]
    public void Modern_interface_detection_reads_zero_from_command_data_2_after_command_0()
    {
        Select(0);
        WriteByte(5, 0);
        Assert.Equal(0u, ReadDword(0));
    }

    [Fact]
    public void Command_0_moves_the_selector_to_the_next_cpu_with_an_event_scanning_circularly()
    {
        _backend.Plug(6);
        _backend.Plug(3);
        Select(4);
        WriteByte(5, 0);
        Assert.Equal(6u, _registers.Selector);
        Assert.Equal(6u, ReadDword(8));
        Select(7);
        WriteByte(5, 0);
        Assert.Equal(3u, ReadDword(8)); // wrapped around past the end
    }

    [Fact]
    public void Command_0_without_any_event_leaves_the_selector_alone()
    {
        Select(5);
        WriteByte(5, 0);
        Assert.Equal(5u, _registers.Selector);
        Assert.Equal(5u, ReadDword(8));
        Assert.Equal(0, ReadFlags() & 0x6);
    }

    [Fact]
    public void Command_3_returns_the_arch_id_split_across_both_data_registers()
    {
        Select(2);
        WriteByte(5, 3);
        var archId = _backend.ArchId(2);
        Assert.Equal((uint)archId, ReadDword(8));
        Assert.Equal((uint)(archId >> 32), ReadDword(0));
    }

    [Fact]
    public void Control_bits_clear_insert_and_remove_one_at_a_time()
    {
        _backend.Plug(4);
        _backend.RequestUnplug(4);
        Select(4);
        WriteByte(4, 0x2 | 0x4); // both set: only the insert clear acts (QEMU priority)
        Assert.False(_backend.IsInserting(4));
        Assert.True(_backend.IsRemoving(4));
        WriteByte(4, 0x4);
        Assert.False(_backend.IsRemoving(4));
    }

    [Fact]
    public void Eject_of_a_cpu_with_a_pending_remove_reaches_the_backend()
    {
        _backend.Plug(3);
        _backend.RequestUnplug(3);
        Select(3);
        WriteByte(4, 0x8);
        Assert.Equal([3], _backend.Ejected);
        Assert.Empty(_rejections);
    }

    [Fact]
    public void Eject_after_the_guest_acknowledged_the_remove_event_reaches_the_backend()
    {
        // The guest's real order: CSCN notifies and clears the remove event (CRMV=1), the kernel
        // offlines the CPU, and only then _EJ0 writes the eject bit.
        _backend.Plug(3);
        _backend.RequestUnplug(3);
        Select(3);
        WriteByte(4, 0x4);
        Assert.False(_backend.IsRemoving(3));
        WriteByte(4, 0x8);
        Assert.Equal([3], _backend.Ejected);
        Assert.Empty(_rejections);
    }

    [Fact]
    public void Eject_of_a_boot_cpu_is_refused_and_reported()
    {
        _backend.RequestUnplug(1); // even if something marked it
        Select(1);
        WriteByte(4, 0x8);
        Assert.Empty(_backend.Ejected);
        Assert.Contains(_rejections, r => r.Kind == RegisterFaultKind.BootCpuEject && r.Detail.Contains("boot CPU 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Eject_without_a_pending_remove_is_refused_and_reported()
    {
        _backend.Plug(3);
        Select(3);
        WriteByte(4, 0x8);
        Assert.Empty(_backend.Ejected);
        Assert.Single(_rejections);
    }

    [Fact]
    public void Out_of_range_selector_reads_zero_and_ignores_everything_but_the_selector()
    {
        _backend.RequestUnplug(7);
        Select(8);
        Assert.Equal(0, ReadFlags());
        Assert.Equal(0u, ReadDword(8));
        WriteByte(4, 0x8); // eject through a bogus selector
        WriteByte(5, 3);
        Assert.Empty(_backend.Ejected);
        Assert.Equal(2, _rejections.Count);
        Select(uint.MaxValue);
        Assert.Equal(0u, ReadDword(0));
        Select(7); // the selector itself is always writable
        Assert.Equal(7u, _registers.Selector);
        Assert.Equal(0x4, ReadFlags());
    }

    [Fact]
    public void Ost_event_then_status_reports_both_once()
    {
        Select(5);
        WriteByte(5, 1);
        WriteDword(8, 0x103); // eject processing
        Assert.Empty(_backend.OstReports);
        WriteByte(5, 2);
        WriteDword(8, 0x80);
        Assert.Equal([(5, 0x103u, 0x80u)], _backend.OstReports);
    }

    [Fact]
    public void Reset_clears_selector_command_and_a_half_written_ost_report()
    {
        Select(5);
        WriteByte(5, 1);
        WriteDword(8, 0x103); // _OST event recorded, its status not yet written

        _registers.Reset();

        Assert.Equal(0u, _registers.Selector);
        Select(5);
        WriteByte(5, 2);
        WriteDword(8, 0x80);
        Assert.Equal([(5, 0u, 0x80u)], _backend.OstReports); // the old event is gone
    }

    [Fact]
    public void Unknown_commands_are_ignored_and_keep_the_previous_command()
    {
        Select(2);
        WriteByte(5, 3);
        WriteByte(5, 9);
        Assert.Equal((uint)_backend.ArchId(2), ReadDword(8));
        Assert.Single(_rejections);
    }

    [Theory]
    [InlineData(0u, 0)]
    [InlineData(0u, 8)]
    [InlineData(10u, 4)]
    [InlineData(12u, 1)]
    public void Bad_access_sizes_and_offsets_are_ignored_and_reported(uint offset, int size)
    {
        _backend.Plug(3);
        _backend.RequestUnplug(3);
        Select(3);
        var data = new byte[size];
        Array.Fill(data, (byte)0x08);
        _registers.Write(offset, data);
        _registers.Read(offset, data);
        Assert.All(data, b => Assert.Equal(0, b));
        Assert.Empty(_backend.Ejected);
        Assert.Equal(2, _rejections.Count);
    }

    [Fact]
    public void Byte_reads_see_the_same_register_image_as_dword_reads()
    {
        Select(3);
        WriteByte(5, 3);
        var archId = (uint)_backend.ArchId(3);
        var bytes = new byte[4];
        for (var i = 0u; i < 4; i++)
        {
            _registers.Read(8 + i, bytes.AsSpan((int)i, 1));
        }

        Assert.Equal(archId, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
    }

    [Fact]
    public void Concurrent_accesses_from_many_threads_do_not_corrupt_the_selector()
    {
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var data = new byte[4];
            for (var i = 0; i < 2000; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(data, (uint)(i % 8));
                _registers.Write(0, data);
                _registers.Read(4, data.AsSpan(0, 1));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.InRange(_registers.Selector, 0u, 7u);
        Assert.Empty(_rejections);
    }

    [Fact]
    public void Eject_whose_request_was_withdrawn_after_the_check_is_refused_and_reported()
    {
        // Found for issue 10: the block asked IsEjectAllowed and then ejected; the backend's answer to
        // the eject itself (false: the request timed out or was refused through _OST in between) was
        // ignored, so the refusal went unreported. Now the eject's own atomic check decides.
        _backend.Plug(3);
        _backend.RequestUnplug(3);
        _backend.WithdrawAfterNextCheck = true;
        Select(3);
        WriteByte(4, 0x8);
        Assert.Empty(_backend.Ejected);
        Assert.True(_backend.IsEnabled(3));
        Assert.Equal(RegisterFaultKind.EjectWithoutRequest, Assert.Single(_rejections).Kind);
    }

    [Fact]
    public void Eject_of_a_parked_cpu_is_refused_and_reported()
    {
        Select(6); // possible, never plugged
        WriteByte(4, 0x8);
        Assert.Empty(_backend.Ejected);
        Assert.Equal(RegisterFaultKind.EjectWithoutRequest, Assert.Single(_rejections).Kind);
    }

    [Fact]
    public void Eject_of_a_bystander_while_another_cpu_has_a_pending_unplug_is_refused()
    {
        // cloud-hypervisor once ejected the wrong CPU; here the eject names the selected slot only.
        _backend.Plug(3);
        _backend.Plug(4);
        _backend.RequestUnplug(4);
        Select(3);
        WriteByte(4, 0x8);
        Assert.Empty(_backend.Ejected);
        Select(4);
        WriteByte(4, 0x8);
        Assert.Equal([4], _backend.Ejected);
        Assert.True(_backend.IsEnabled(3));
    }

    [Theory]
    [InlineData(6u, 1, 0x1u, RegisterFaultKind.ReservedOffset)]
    [InlineData(9u, 1, 0x1u, RegisterFaultKind.ReservedOffset)]
    [InlineData(2u, 2, 0x1u, RegisterFaultKind.ReservedOffset)]
    [InlineData(4u, 1, 0x1u, RegisterFaultKind.UnknownControlFlags)]
    [InlineData(4u, 1, 0xF0u, RegisterFaultKind.UnknownControlFlags)]
    [InlineData(5u, 1, 0x7Fu, RegisterFaultKind.UnknownCommand)]
    [InlineData(4u, 8, 0x8u, RegisterFaultKind.BadAccess)]
    public void Each_refused_write_carries_its_kind(uint offset, int size, uint value, RegisterFaultKind kind)
    {
        Select(3);
        var data = new byte[size];
        data[0] = (byte)value; // every value here fits the first byte
        _registers.Write(offset, data);
        Assert.Equal(kind, Assert.Single(_rejections).Kind);
    }

    [Fact]
    public void Writes_through_an_out_of_range_selector_report_their_own_kind()
    {
        Select(0xFFFF_FFF0);
        WriteByte(4, 0x8);
        WriteDword(8, 0xDEAD);
        Assert.All(_rejections, r => Assert.Equal(RegisterFaultKind.SelectorOutOfRange, r.Kind));
        Assert.Equal(2, _rejections.Count);
        Assert.Empty(_backend.OstReports);
    }

    [Fact]
    public void Refusals_name_the_offset_and_flags_in_hex()
    {
        // Found by the hostile guest (issue 10): the format "#x" printed a literal "x", so every
        // log line read "at offset x" whatever the offset was.
        Select(3);
        _registers.Write(6, [0x1]);
        WriteByte(4, 0x21);
        _registers.Read(4, new byte[8]);
        Assert.Equal(
            ["1-byte write to reserved offset 0x6 ignored", "control flags 0x21 for CPU 3 ignored", "8-byte read at offset 0x4 ignored"],
            _rejections.Select(static r => r.Detail));
    }
}
