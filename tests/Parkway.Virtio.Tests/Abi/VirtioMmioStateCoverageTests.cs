using System.Diagnostics;
using System.Reflection;
using Parkway.Virtio.Queues;
using Parkway.Virtio.Transport;

namespace Parkway.Virtio.Tests.Abi;

/// <summary>
/// A snapshot saves a transport as <see cref="VirtioMmioState"/> and its queues as
/// <see cref="VirtqueueState"/>. Every register Linux's linux/virtio_mmio.h defines (listed by the
/// arm64 cross compiler's preprocessor, not by us) must be accounted for: either its value lives in
/// a named field of those records, or it holds no state (identity, trigger, absent feature). A
/// register added to the header, or a record field that maps to no register, fails here.
/// </summary>
public sealed class VirtioMmioStateCoverageTests
{
    private const string Saved = "saved";

    // Register macro (without VIRTIO_MMIO_) → the record field that holds its state, or why none is needed.
    private static readonly Dictionary<string, (string Kind, string? Field)> Registers = new(StringComparer.Ordinal)
    {
        ["MAGIC_VALUE"] = ("identity", null),
        ["VERSION"] = ("identity", null),
        ["DEVICE_ID"] = ("identity", null),
        ["VENDOR_ID"] = ("identity", null),
        ["DEVICE_FEATURES"] = ("the offered features, saved beside the record and compared at restore", null),
        ["DEVICE_FEATURES_SEL"] = (Saved, nameof(VirtioMmioState.DeviceFeaturesSel)),
        ["DRIVER_FEATURES"] = (Saved, nameof(VirtioMmioState.DriverFeatures)),
        ["DRIVER_FEATURES_SEL"] = (Saved, nameof(VirtioMmioState.DriverFeaturesSel)),
        ["QUEUE_SEL"] = (Saved, nameof(VirtioMmioState.QueueSel)),
        ["QUEUE_NUM_MAX"] = ("identity (the device's)", null),
        ["QUEUE_NUM"] = (Saved, nameof(VirtqueueState.Size)),
        ["QUEUE_READY"] = (Saved, nameof(VirtqueueState.Ready)),
        ["QUEUE_NOTIFY"] = ("write-only trigger (a kick left in the eventfd is served when the worker starts)", null),
        ["INTERRUPT_STATUS"] = (Saved, nameof(VirtioMmioState.InterruptStatus)),
        ["INTERRUPT_ACK"] = ("write-only trigger", null),
        ["STATUS"] = (Saved, nameof(VirtioMmioState.Status)),
        ["QUEUE_DESC_LOW"] = (Saved, nameof(VirtqueueState.DescriptorTable)),
        ["QUEUE_DESC_HIGH"] = (Saved, nameof(VirtqueueState.DescriptorTable)),
        ["QUEUE_AVAIL_LOW"] = (Saved, nameof(VirtqueueState.DriverArea)),
        ["QUEUE_AVAIL_HIGH"] = (Saved, nameof(VirtqueueState.DriverArea)),
        ["QUEUE_USED_LOW"] = (Saved, nameof(VirtqueueState.DeviceArea)),
        ["QUEUE_USED_HIGH"] = (Saved, nameof(VirtqueueState.DeviceArea)),
        ["SHM_SEL"] = ("no shared memory regions: every SHM register reads as absent", null),
        ["SHM_LEN_LOW"] = ("no shared memory regions", null),
        ["SHM_LEN_HIGH"] = ("no shared memory regions", null),
        ["SHM_BASE_LOW"] = ("no shared memory regions", null),
        ["SHM_BASE_HIGH"] = ("no shared memory regions", null),
        ["CONFIG_GENERATION"] = (Saved, nameof(VirtioMmioState.ConfigGeneration)),
        ["CONFIG"] = ("the device's configuration space: the device's own state record", null),
        ["GUEST_PAGE_SIZE"] = ("legacy (version 1) only: Parkway is a version 2 device", null),
        ["QUEUE_ALIGN"] = ("legacy (version 1) only", null),
        ["QUEUE_PFN"] = ("legacy (version 1) only", null),
    };

    // Record fields that are not a register's value: the ring positions of the device side.
    private static readonly string[] RingPositions = [nameof(VirtqueueState.NextAvail), nameof(VirtqueueState.NextUsed), nameof(VirtioMmioState.Queues)];

    [Fact]
    public void Every_register_of_linux_virtio_mmio_h_is_saved_or_holds_no_state()
    {
        string[] unaccounted = [.. HeaderRegisters().Where(static name => !Registers.ContainsKey(name))];
        Assert.True(unaccounted.Length == 0, $"virtio_mmio.h registers with no snapshot answer: {string.Join(", ", unaccounted)}");
    }

    [Fact]
    public void Every_register_named_here_exists_in_the_header()
    {
        HashSet<string> header = [.. HeaderRegisters()];
        string[] missing = [.. Registers.Keys.Where(name => !header.Contains(name))];
        Assert.True(missing.Length == 0, $"not in virtio_mmio.h: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_saved_field_is_a_register_value_or_a_ring_position()
    {
        HashSet<string> mapped = [.. Registers.Values.Where(static r => r.Kind == Saved).Select(static r => r.Field!)];
        string[] fields = [.. FieldsOf(typeof(VirtioMmioState)).Concat(FieldsOf(typeof(VirtqueueState)))];
        string[] unmapped = [.. fields.Where(f => !mapped.Contains(f) && !RingPositions.Contains(f))];
        string[] absent = [.. mapped.Where(f => !fields.Contains(f))];
        Assert.True(unmapped.Length == 0, $"record fields no register maps to: {string.Join(", ", unmapped)}");
        Assert.True(absent.Length == 0, $"fields named here that the records lack: {string.Join(", ", absent)}");
    }

    private static IEnumerable<string> FieldsOf(Type record) =>
        record.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(static p => p.Name != "EqualityContract").Select(static p => p.Name);

    /// <summary>The register macros of linux/virtio_mmio.h as the cross compiler's preprocessor defines them.</summary>
    private static List<string> HeaderRegisters()
    {
        var start = new ProcessStartInfo("aarch64-linux-gnu-gcc")
        {
            ArgumentList = { "-E", "-dM", "-x", "c", "-" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        process.StandardInput.WriteLine("#include <linux/virtio_mmio.h>");
        process.StandardInput.Close();
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error.Result);
        const string Prefix = "#define VIRTIO_MMIO_";
        return [.. output.Split('\n')
            .Where(static l => l.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(static l => l[Prefix.Length..].Split(' ')[0])
            .Where(static name => !name.StartsWith("INT_", StringComparison.Ordinal))];
    }
}
