using System.Security.Cryptography;

namespace Parkway.HostTests;

/// <summary>
/// Prepares what Scenarios/virtio-net.sh needs in the test host (the tun module from the guest
/// kernel's package, a static arm64 helper that creates a persistent tap, a disk image, 2 MiB to
/// send to the guest) and runs it once for all <see cref="VirtioNetHotplugTests"/>.
/// </summary>
public sealed class VirtioNetScenarioFixture : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("parkway-virtio-net-").FullName;

    public VirtioNetScenarioFixture()
    {
        ScenarioTools.AddTapTools(_directory);
        ToGuest = ScenarioTools.AddTransferFiles(_directory, seed: 8);
        Run = ScenarioRun.Start("virtio-net.sh", TimeSpan.FromMinutes(12), [(_directory, "/net")]);
    }

    /// <summary>What the host sends the guest.</summary>
    public byte[] ToGuest { get; }

    /// <summary>The session's results.</summary>
    public ScenarioRun Run { get; }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

/// <summary>
/// virtio-net over a real tap in the test host with Debian's virtio_net driver (link-local
/// addresses only): ping, 2 MiB each way with checksums; and CPU hot-plug and unplug over QMP while
/// a disk and a NIC are attached, ending with an ACPI power-down.
/// </summary>
[Collection(Arm64HostCollection.Name)]
public sealed class VirtioNetHotplugTests : IClassFixture<VirtioNetScenarioFixture>
{
    private const string Case = "net-hotplug";
    private readonly ScenarioRun _run;
    private readonly byte[] _toGuest;

    public VirtioNetHotplugTests(VirtioNetScenarioFixture fixture)
    {
        _run = fixture.Run;
        _toGuest = fixture.ToGuest;
    }

    [Fact]
    public void Tap_GuestPingsTheHost()
    {
        Assert.True(_run.ExitCode("tap") == 0, _run.Host.ToString());
        Assert.True(_run.Stdout(Case).Contains("PARKWAY-NET ping=ok"), _run.Host.ToString());
    }

    [Fact]
    public void Tap_TwoMebibytesGuestToHost_ArriveIntact()
    {
        string? sent = _run.Stdout(Case).FirstOrDefault(static l => l.StartsWith("PARKWAY-NET sent ", StringComparison.Ordinal));
        Assert.True(sent is not null, _run.Host.ToString());
        string? received = _run.Host.FirstLineStartingWith($"SCENARIO {Case} host-received ");
        Assert.NotNull(received);
        Assert.Equal(sent["PARKWAY-NET sent ".Length..], received[$"SCENARIO {Case} host-received ".Length..]);
    }

    [Fact]
    public void Tap_TwoMebibytesHostToGuest_ArriveIntact()
    {
        string expected = $"PARKWAY-NET received bytes={_toGuest.Length} sha256={Convert.ToHexStringLower(SHA256.HashData(_toGuest))}";
        Assert.True(_run.Stdout(Case).Contains(expected), _run.Host.ToString());
    }

    [Fact]
    public void HotplugWithDiskAndNicAttached_PlugAndUnplugWork_GuestPowersDownCleanly()
    {
        Assert.True(_run.Stdout(Case).Any(static l => l.StartsWith("PARKWAY-DISK vda sectors=4096 ", StringComparison.Ordinal)), _run.Host.ToString());
        Assert.NotNull(_run.Host.FirstLineStartingWith($"SCENARIO {Case} plugged"));
        Assert.NotNull(_run.Host.FirstLineStartingWith($"SCENARIO {Case} unplugged"));
        Assert.True(_run.ExitCode(Case) == 0, _run.Host.ToString());
    }
}
