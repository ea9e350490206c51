using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Parkway.Tests.Interop;

/// <summary>
/// Evaluates C expressions with the arm64 cross compiler against whatever headers a prelude
/// includes: the expressions become the initialiser of a const array, gcc emits it as
/// <c>.xword</c> directives, and those are parsed back. Nothing arm64 is ever executed, so this
/// works on any build host that has <c>aarch64-linux-gnu-gcc</c>; without it every caller fails
/// with a message saying what to install. Shared (linked) by the test projects that check our
/// constants and layouts against Linux's uapi headers: KVM here, virtio in Parkway.Virtio.Tests.
/// </summary>
internal static class CrossCompiledConstants
{
    private const string Compiler = "aarch64-linux-gnu-gcc";
    private const string ArrayName = "parkway_values";

    /// <summary>Evaluates each C expression (cast to unsigned long long) after <paramref name="prelude"/>; the values in order.</summary>
    public static ulong[] Evaluate(string prelude, IReadOnlyList<string> expressions)
    {
        var source = new StringBuilder(prelude).AppendLine();
        source.Append("const unsigned long long ").Append(ArrayName).AppendLine("[] = {");
        foreach (string expression in expressions)
        {
            source.Append("    (unsigned long long)(").Append(expression).AppendLine("),");
        }

        source.AppendLine("};");
        string assembly = Compile(source.ToString());
        ulong[] values = ParseArray(assembly);
        if (values.Length != expressions.Count)
        {
            throw new InvalidOperationException(
                $"expected {expressions.Count} values from {Compiler}, parsed {values.Length}:\n{assembly}");
        }

        return values;
    }

    private static string Compile(string source)
    {
        string directory = Path.Combine(Path.GetTempPath(), "parkway-uapi-" + Guid.NewGuid().ToString("N"));
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
                    $"{Compiler} is needed to check our constants and layouts against the arm64 uapi headers and could not be started ({e.Message}); " +
                    "install gcc-aarch64-linux-gnu and linux-libc-dev-arm64-cross", e);
            }

            using (process)
            {
                Task<string> error = process.StandardError.ReadToEndAsync();
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"{Compiler} failed (exit {process.ExitCode}):\n{error.Result}\n--- source ---\n{source}");
                }

                return output;
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static ulong[] ParseArray(string assembly)
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
                // gas prints values with the top bit set as negative decimals.
                values.Add(parts[1].StartsWith('-')
                    ? unchecked((ulong)long.Parse(parts[1], CultureInfo.InvariantCulture))
                    : ulong.Parse(parts[1], CultureInfo.InvariantCulture));
            }
            else if (parts.Length == 2 && parts[0] == ".zero")
            {
                // gcc may fold a run of zero elements into one .zero of their byte count.
                values.AddRange(new ulong[int.Parse(parts[1], CultureInfo.InvariantCulture) / sizeof(ulong)]);
            }
            else
            {
                break;
            }
        }

        return [.. values];
    }
}
