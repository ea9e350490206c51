namespace Parkway;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.WriteLine("parkway " + string.Join(' ', args));
        return 0;
    }
}
