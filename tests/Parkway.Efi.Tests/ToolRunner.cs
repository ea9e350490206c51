using System.Diagnostics;

namespace Parkway.Efi.Tests;

/// <summary>Runs the cross tools the EFI tests check our bytes with (binutils, gcc, qemu-user).</summary>
internal static class ToolRunner
{
    /// <summary>Runs <paramref name="tool"/>, feeding <paramref name="input"/>; its standard output, or a failure naming what to install.</summary>
    public static string Run(string tool, IEnumerable<string> arguments, string? input = null, string install = "")
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} could not be started ({e.Message}); install {install}", e);
        }

        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} failed (exit {process.ExitCode}):\n{error.Result}");
            }

            return output.Result;
        }
    }

    /// <summary>The instructions of an A64 code blob as binutils disassembles them ("mnemonic\toperands"), in order.</summary>
    public static string[] Disassemble(byte[] code)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("parkway-a64-").FullName, "code.bin");
        File.WriteAllBytes(path, code);
        string listing = Run("aarch64-linux-gnu-objdump", ["-D", "-b", "binary", "-m", "aarch64", path], install: "binutils-aarch64-linux-gnu");
        return [.. listing.Split('\n')
            .Select(static l => l.Split('\t'))
            .Where(static cells => cells.Length >= 3 && cells[0].TrimEnd().EndsWith(':'))
            .Select(static cells => string.Join('\t', cells.Skip(2)).Split("//")[0].Trim())];
    }
}
