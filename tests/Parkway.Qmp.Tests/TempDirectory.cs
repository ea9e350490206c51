namespace Parkway.Qmp.Tests;

/// <summary>A short private directory (Unix socket paths are limited to 107 bytes).</summary>
internal sealed class TempDirectory : IDisposable
{
    private TempDirectory(string path) => Path = path;

    public string Path { get; }

    public static TempDirectory Create() =>
        new(System.IO.Directory.CreateTempSubdirectory("pwqmp").FullName);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
