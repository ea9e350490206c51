namespace Parkway.Fdt.Tests;

/// <summary>Turns hex dumps written in tests (spaces, newlines and // comments allowed) into bytes.</summary>
internal static class Hex
{
    public static byte[] Parse(string dump)
    {
        var digits = new System.Text.StringBuilder();
        foreach (string line in dump.Split('\n'))
        {
            int comment = line.IndexOf("//", StringComparison.Ordinal);
            string data = comment >= 0 ? line[..comment] : line;
            foreach (char c in data)
            {
                if (!char.IsWhiteSpace(c))
                {
                    digits.Append(c);
                }
            }
        }

        return Convert.FromHexString(digits.ToString());
    }
}
