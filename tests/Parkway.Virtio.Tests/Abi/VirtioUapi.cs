using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Parkway.Virtio.Tests.Abi;

/// <summary>
/// Evaluates C expressions against Linux's own virtio uapi headers as the arm64 cross compiler
/// sees them (the approach of Parkway.Tests' Arm64Uapi, with the virtio headers): the values become
/// a const array, gcc emits it as <c>.xword</c> directives, which are parsed back. Nothing arm64
/// runs. Fails with what to install when <c>aarch64-linux-gnu-gcc</c> is missing.
/// </summary>
internal static class VirtioUapi
{
    private const string Compiler = "aarch64-linux-gnu-gcc";
    private const string ArrayName = "parkway_virtio_values";

    private const string Prelude = """
        #include <stddef.h>
        #include <linux/virtio_mmio.h>
        #include <linux/virtio_ring.h>
        #include <linux/virtio_config.h>
        #include <linux/virtio_ids.h>
        #include <linux/virtio_blk.h>
        #include <linux/virtio_console.h>
        #include <linux/virtio_rng.h>
        #include <linux/virtio_net.h>
        #include <fcntl.h>
        #include <sys/ioctl.h>
        #include <sys/socket.h>
        #include <linux/if.h>
        #include <linux/if_tun.h>
        #include <linux/virtio_vsock.h>
        #include <linux/vm_sockets.h>
        #include <poll.h>
        """;

    public static Dictionary<string, ulong> Evaluate(IEnumerable<string> expressions)
    {
        string[] distinct = [.. expressions.Distinct(StringComparer.Ordinal)];
        var source = new StringBuilder(Prelude).AppendLine();
        source.Append("const unsigned long long ").Append(ArrayName).AppendLine("[] = {");
        foreach (string expression in distinct)
        {
            source.Append("    (unsigned long long)(").Append(expression).AppendLine("),");
        }

        source.AppendLine("};");
        string assembly = Compile(source.ToString());
        List<ulong> values = Parse(assembly);
        if (values.Count != distinct.Length)
        {
            throw new InvalidOperationException($"expected {distinct.Length} values from {Compiler}, parsed {values.Count}:\n{assembly}");
        }

        return distinct.Zip(values).ToDictionary(static pair => pair.First, static pair => pair.Second, StringComparer.Ordinal);
    }

    private static string Compile(string source)
    {
        string directory = Path.Combine(Path.GetTempPath(), "parkway-virtio-uapi-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string file = Path.Combine(directory, "probe.c");
            File.WriteAllText(file, source);
            var start = new ProcessStartInfo(Compiler)
            {
                ArgumentList = { "-S", "-O0", "-o", "-", file },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException(
                    $"{Compiler} is needed to check virtio layouts against the uapi headers ({e.Message}); install gcc-aarch64-linux-gnu and linux-libc-dev-arm64-cross", e);
            }

            using (process)
            {
                Task<string> error = process.StandardError.ReadToEndAsync();
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                return process.ExitCode == 0
                    ? output
                    : throw new InvalidOperationException($"{Compiler} failed (exit {process.ExitCode}):\n{error.Result}\n--- source ---\n{source}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static List<ulong> Parse(string assembly)
    {
        var values = new List<ulong>();
        bool inArray = false;
        foreach (string rawLine in assembly.Split('\n'))
        {
            string line = rawLine.Trim();
            if (line == ArrayName + ":")
            {
                inArray = true;
                continue;
            }

            if (!inArray)
            {
                continue;
            }

            string[] parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == ".xword")
            {
                values.Add(parts[1].StartsWith('-')
                    ? unchecked((ulong)long.Parse(parts[1], CultureInfo.InvariantCulture))
                    : ulong.Parse(parts[1], CultureInfo.InvariantCulture));
            }
            else if (parts.Length == 2 && parts[0] == ".zero")
            {
                values.AddRange(new ulong[int.Parse(parts[1], CultureInfo.InvariantCulture) / sizeof(ulong)]);
            }
            else
            {
                break;
            }
        }

        return values;
    }
}
