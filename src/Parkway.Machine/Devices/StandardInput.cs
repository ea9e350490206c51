using Microsoft.Win32.SafeHandles;

namespace Parkway.Machine.Devices;

/// <summary>
/// Parkway's standard input as a plain byte stream for the console input pump.
/// <para>Not <c>Console.OpenStandardInput</c>: on a terminal that stream goes through .NET's line
/// editor (its own echo and terminal settings), and the guest's tty already echoes. This one is
/// read(2) on descriptor 0 and nothing else; the terminal keeps its own line discipline.</para>
/// </summary>
public static class StandardInput
{
    /// <summary>Descriptor 0 as an unbuffered stream (never closes it), or null when it is not open.</summary>
    public static Stream? Open()
    {
        try
        {
            return new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null; // stdin closed or unusable: the console simply has no input
        }
    }
}
