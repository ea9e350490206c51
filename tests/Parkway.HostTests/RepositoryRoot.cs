namespace Parkway.HostTests;

/// <summary>Finds the checkout the tests were built from.</summary>
public static class RepositoryRoot
{
    private const string MarkerFile = "Parkway.sln";

    /// <summary>
    /// The directory holding Parkway.sln, found by walking up from the test assembly (which lives in
    /// tests/&lt;project&gt;/bin/...).
    /// </summary>
    public static string Path { get; } = Find(AppContext.BaseDirectory);

    /// <summary>Walks up from <paramref name="start"/> to the first directory containing Parkway.sln.</summary>
    public static string Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, MarkerFile)))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"no {MarkerFile} above {start}");
    }
}
