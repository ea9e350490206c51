using System.Globalization;
using System.Text;

namespace Parkway.Efi.Tests;

/// <summary>
/// Executes the GetTime blob on an arm64 CPU — qemu-aarch64 (user mode) running a static harness
/// built with the cross gcc (Helpers/efi-gettime-harness.c) — for thousands of PL031 counter values,
/// and compares every EFI_TIME with .NET's own calendar (<see cref="DateTimeOffset.FromUnixTimeSeconds"/>).
/// The code does only loads, stores and integer arithmetic, which user-mode emulation executes as
/// the hardware would; the RTC's data register is an ordinary page at the PL031's address.
/// </summary>
public class EfiGetTimeExecutionTests
{
    private const ulong Base = 0x5ffe_0000;
    private const ulong Rtc = 0x0901_0000;

    [Fact]
    public void GetTime_turns_every_counter_value_into_the_utc_date_and_time_dotnet_computes()
    {
        uint[] counters = [.. Counters().Distinct()];
        string[] lines = Run(counters);

        Assert.Equal("null 8000000000000002", lines[0]);   // EFI_INVALID_PARAMETER for a NULL Time
        for (int slot = 32; slot < 136; slot += 8)
        {
            Assert.Equal($"slot {slot} 8000000000000003", lines[1 + ((slot - 32) / 8)]);   // EFI_UNSUPPORTED
        }

        string[] results = lines[14..];
        Assert.Equal(counters.Length, results.Length);
        for (int i = 0; i < counters.Length; i++)
        {
            DateTimeOffset expected = DateTimeOffset.FromUnixTimeSeconds(counters[i]);
            // seconds status Year Month Day Hour Minute Second Pad1 Nanosecond TimeZone Daylight Pad2
            string want = string.Create(CultureInfo.InvariantCulture,
                $"{counters[i]} 0 {expected.Year} {expected.Month} {expected.Day} {expected.Hour} {expected.Minute} {expected.Second} 0 0 2047 0 0");
            string caps = i % 2 == 0 ? " caps 1 0 0" : " nocaps";
            Assert.Equal(want + caps, results[i]);
        }
    }

    /// <summary>
    /// The whole PL031 range: the epoch, the last second, both sides of every midnight that starts a
    /// month from 1970 to 2106 (leap days, 2000 divisible by 400, 2100 not a leap year), and a
    /// seeded spread of arbitrary seconds.
    /// </summary>
    private static IEnumerable<uint> Counters()
    {
        yield return 0;
        yield return 1;
        yield return uint.MaxValue;
        yield return uint.MaxValue - 1;
        for (var month = new DateTimeOffset(1970, 2, 1, 0, 0, 0, TimeSpan.Zero); month.ToUnixTimeSeconds() <= uint.MaxValue; month = month.AddMonths(1))
        {
            long seconds = month.ToUnixTimeSeconds();
            yield return (uint)(seconds - 1);
            yield return (uint)seconds;
            yield return (uint)(seconds - 86400);
        }

        var random = new Random(20261130);
        for (int i = 0; i < 4000; i++)
        {
            yield return (uint)random.NextInt64(0, (long)uint.MaxValue + 1);
        }
    }

    private static string[] Run(uint[] counters)
    {
        string directory = Directory.CreateTempSubdirectory("parkway-gettime-").FullName;
        string image = Path.Combine(directory, "runtime.bin");
        File.WriteAllBytes(image, EfiRuntimeServicesBuilder.Build(Base, Rtc).Bytes);
        string harness = Path.Combine(directory, "harness");
        ToolRunner.Run("aarch64-linux-gnu-gcc",
            ["-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", harness, Path.Combine(AppContext.BaseDirectory, "Helpers", "efi-gettime-harness.c")],
            install: "gcc-aarch64-linux-gnu");
        var input = new StringBuilder();
        foreach (uint counter in counters)
        {
            input.Append(counter.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        string output = ToolRunner.Run("qemu-aarch64-static",
            [harness, image, Base.ToString("x", CultureInfo.InvariantCulture), Rtc.ToString("x", CultureInfo.InvariantCulture)],
            input.ToString(), install: "qemu-user-static");
        return output.TrimEnd('\n').Split('\n');
    }
}
