using System.Security.Cryptography;

namespace Parkway.HostTests;

/// <summary>
/// Makes the disk images on this side (a known pseudo-random first MiB, a zero second MiB) and runs
/// Scenarios/virtio.sh once in the arm64 test host for all <see cref="VirtioDeviceTests"/>.
/// </summary>
public sealed class VirtioScenarioFixture : IDisposable
{
    /// <summary>Size of each image: the guest reads MiB 0 and writes 64 KiB at MiB 1.</summary>
    public const int ImageBytes = 2 << 20;

    private readonly string _directory = Directory.CreateTempSubdirectory("parkway-virtio-").FullName;

    public VirtioScenarioFixture()
    {
        foreach (string name in ImageNames)
        {
            File.WriteAllBytes(Path.Combine(_directory, name), MakeImage(name));
        }

        File.WriteAllBytes(Path.Combine(_directory, "malformed-queue.img"), BareMetal.MalformedVirtqueueGuest.Build());

        Run = ScenarioRun.Start("virtio.sh", TimeSpan.FromMinutes(12), [(_directory, "/disks")]);
    }

    /// <summary>The images the scenario uses.</summary>
    public static IReadOnlyList<string> ImageNames { get; } = ["a.img", "b.img", "c.img"];

    /// <summary>The session's results.</summary>
    public ScenarioRun Run { get; }

    /// <summary>SHA-256 (lower-case hex) of an image's first MiB as written here.</summary>
    public static string FirstMebibyteSha256(string name) => Sha256(MakeImage(name).AsSpan(0, 1 << 20));

    /// <summary>SHA-256 of 64 KiB of zeroes (the untouched region at 1 MiB).</summary>
    public static string Zero64KiBSha256 { get; } = Sha256(new byte[64 << 10]);

    /// <summary>Lower-case hex SHA-256.</summary>
    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A different, reproducible first MiB per image, so a disk mix-up in the guest shows.
    private static byte[] MakeImage(string name)
    {
        byte[] image = new byte[ImageBytes];
        new Random(name[0] * 31 + name.Length).NextBytes(image.AsSpan(0, 1 << 20));
        return image;
    }
}

/// <summary>
/// virtio-mmio devices on real KVM with Debian's own drivers: virtio-blk (read, write + flush seen
/// in the host file afterwards, read-only refused, two disks at once, FDT and ACPI), virtio-rng
/// (the guest's hw_random reads from it), virtio-console (hvc0 as the guest's only console, its
/// output and its input from Parkway's stdin), and
/// the CLI's one-line refusals of unusable --disk/--net values.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class VirtioDeviceTests : IClassFixture<VirtioScenarioFixture>
{
    private readonly ScenarioRun _run;

    public VirtioDeviceTests(VirtioScenarioFixture fixture) => _run = fixture.Run;

    [Fact]
    public void TwoDisksWithDeviceTree_GuestReadsTheKnownContent_AndItsWriteReachesTheImage()
    {
        Assert.True(_run.ExitCode("disks-fdt") == 0, _run.Host.ToString());
        Dictionary<string, string> vda = DiskLine("disks-fdt", "vda");
        Assert.Equal("4096", vda["sectors"]);
        Assert.Equal("0", vda["ro"]);
        Assert.Equal(VirtioScenarioFixture.FirstMebibyteSha256("a.img"), vda["sha256"]);

        string wrote = WroteSha256("disks-fdt", "vda");
        Dictionary<string, string> image = ImageLine("disks-fdt", "a.img");
        Assert.Equal(VirtioScenarioFixture.FirstMebibyteSha256("a.img"), image["first"]);
        Assert.Equal(wrote, image["at1m"]);
        Assert.NotEqual(VirtioScenarioFixture.Zero64KiBSha256, wrote);
    }

    [Fact]
    public void ReadOnlyDisk_GuestSeesItReadOnlyWithItsSerial_WriteIsRefused_ImageUnchanged()
    {
        Assert.True(_run.ExitCode("disks-fdt") == 0, _run.Host.ToString());
        Dictionary<string, string> vdb = DiskLine("disks-fdt", "vdb");
        Assert.Equal("1", vdb["ro"]);
        Assert.Equal("PARKWAY-RO-1", vdb["serial"]);
        Assert.Equal(VirtioScenarioFixture.FirstMebibyteSha256("b.img"), vdb["sha256"]);
        Assert.Contains("PARKWAY-DISK vdb write=refused", _run.Stdout("disks-fdt"));

        Dictionary<string, string> image = ImageLine("disks-fdt", "b.img");
        Assert.Equal(VirtioScenarioFixture.FirstMebibyteSha256("b.img"), image["first"]);
        Assert.Equal(VirtioScenarioFixture.Zero64KiBSha256, image["at1m"]);
    }

    [Fact]
    public void DiskWithAcpi_Lnro0005BindsVirtioMmio_GuestReadsAndWrites()
    {
        Assert.True(_run.ExitCode("disk-acpi") == 0, _run.Host.ToString());
        Dictionary<string, string> vda = DiskLine("disk-acpi", "vda");
        Assert.Equal(VirtioScenarioFixture.FirstMebibyteSha256("c.img"), vda["sha256"]);
        Assert.Equal(WroteSha256("disk-acpi", "vda"), ImageLine("disk-acpi", "c.img")["at1m"]);
    }

    [Fact]
    public void Rng_GuestHwRandomUsesVirtioRng_AndReadsBytes()
    {
        string? line = _run.Stdout("disks-fdt").FirstOrDefault(static l => l.StartsWith("PARKWAY-RNG ", StringComparison.Ordinal));
        Assert.True(line is not null, _run.Host.ToString());
        Assert.StartsWith("PARKWAY-RNG current=virtio_rng", line, StringComparison.Ordinal);
        Assert.EndsWith(" bytes=256", line, StringComparison.Ordinal);
    }

    [Fact]
    public void VirtioConsole_GuestCpuLineArrivesOverHvc0()
    {
        Assert.True(_run.ExitCode("console-hvc") == 0, _run.Host.ToString());
        IReadOnlyList<string> stdout = _run.Stdout("console-hvc");
        Assert.Contains(stdout, static l => l.StartsWith("PARKWAY-CONSOLE tty=hvc0 ", StringComparison.Ordinal));
        // No console= for the PL011 and no device tree stdout-path use: the line can only be hvc0's.
        Assert.Equal("0-1", _run.GuestCpus("console-hvc")["online"]);
    }

    [Fact]
    public void VirtioConsole_ALineOnParkwaysStdinReachesTheGuestsHvc0Reader()
    {
        Assert.True(_run.ExitCode("console-hvc") == 0, _run.Host.ToString());
        IReadOnlyList<string> stdout = _run.Stdout("console-hvc");
        Assert.Contains("PARKWAY-HVCIN waiting", stdout);
        Assert.Contains("PARKWAY-HVCIN got=typed on the host", stdout);
    }

    [Fact]
    public void CheckHost_ReportsIoeventfdAndIrqfd()
    {
        Assert.Equal(0, _run.ExitCode("check-host"));
        Assert.Contains("virtio eventfds: KVM_CAP_IOEVENTFD yes, KVM_CAP_IRQFD yes", _run.Stdout("check-host"));
    }

    [Fact]
    public void MalformedVirtqueue_EachBadChainFailsAlone_CorruptRingsNeedReset_LoggedOnce_VmmKeepsRunning()
    {
        Assert.True(_run.ExitCode("malformed-queue") == 0, _run.Host.ToString());
        // The guest saw both bad chains come back and then NEEDS_RESET, and could still power off.
        Assert.Contains("UR", _run.Stdout("malformed-queue"));
        IReadOnlyList<string> stderr = _run.Stderr("malformed-queue");
        Assert.Single(stderr, static l => l.Contains("guest error DescriptorLoop", StringComparison.Ordinal));
        Assert.Single(stderr, static l => l.Contains("guest error DescriptorOutOfRange", StringComparison.Ordinal));
        Assert.Single(stderr, static l => l.Contains("guest error AvailIndexJump", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bad-disk-missing", "--disk")]
    [InlineData("bad-disk-directory", "--disk")]
    [InlineData("bad-disk-size", "--disk")]
    [InlineData("bad-net-missing-tap", "--net")]
    public void UnusableDeviceOption_OneParkwayLine_Exit2(string caseName, string option)
    {
        Assert.Equal(2, _run.ExitCode(caseName));
        IReadOnlyList<string> stderr = _run.Stderr(caseName);
        Assert.True(stderr.Count == 1, string.Join('\n', stderr));
        Assert.StartsWith($"parkway: {option}", stderr[0], StringComparison.Ordinal);
    }

    private Dictionary<string, string> DiskLine(string caseName, string device)
    {
        string prefix = $"PARKWAY-DISK {device} sectors=";
        string? line = _run.Stdout(caseName).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"no {prefix} line; host output:\n{_run.Host}");
        return Pairs(line[$"PARKWAY-DISK {device} ".Length..]);
    }

    private string WroteSha256(string caseName, string device)
    {
        string prefix = $"PARKWAY-DISK {device} wrote sha256=";
        string? line = _run.Stdout(caseName).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"no {prefix} line; host output:\n{_run.Host}");
        return line[prefix.Length..];
    }

    private Dictionary<string, string> ImageLine(string caseName, string image)
    {
        string prefix = $"SCENARIO {caseName} image {image} ";
        string? line = _run.Host.FirstLineStartingWith(prefix);
        Assert.True(line is not null, $"no {prefix} line; host output:\n{_run.Host}");
        return Pairs(line[prefix.Length..]);
    }

    private static Dictionary<string, string> Pairs(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(static pair => pair.Split('=', 2))
            .ToDictionary(static kv => kv[0], static kv => kv.Length > 1 ? kv[1] : string.Empty);
}
