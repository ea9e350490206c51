using System.Text;

namespace Parkway.Qmp.Fuzz;

/// <summary>
/// Mutates raw bytes the way a broken or hostile client would send them: flipped bits, QMP's
/// structural characters and escapes dropped in anywhere, invalid and overlong UTF-8, the 0xFF
/// resynchronisation byte, cut, repeated and spliced inputs, deep nesting, huge tokens.
/// </summary>
internal sealed class ByteMutator(Random random)
{
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "{", "}", "[", "]", "\"", "'", "\\", ":", ",", " ", "\n", "\r\n", "\\u0000", "\\ud800", "\\udc00",
            "\\uDBFF\\uDFFF", "\\ud83d\\ude00", "\\u", "\\x", "\\'", "true", "false", "null", "1e999", "-", "0x10",
            "\"execute\"", "\"id\"", "\"arguments\"", "\"exec-oob\"", "{\"execute\": \"qmp_capabilities\"}",
            "{\"execute\": \"quit\"}", "{\"execute\": \"stop\"}{\"execute\": \"cont\"}", "/*", "*/", "//",
            "{\"execute\": \"device_del\", \"arguments\": {\"id\": \"cpu1\"}}", "'\"'", "\"\\\"\"",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0x00], [0x7F], [0x80], [0xC0, 0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xEF, 0xBB, 0xBF], [0xFE], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ];

    /// <summary>One to four mutations of <paramref name="input"/>; <paramref name="other"/> is a splice partner.</summary>
    public byte[] Mutate(byte[] input, byte[] other)
    {
        var bytes = new List<byte>(input);
        int mutations = random.Next(1, 5);
        for (int i = 0; i < mutations; i++)
        {
            MutateOnce(bytes, other);
        }

        return [.. bytes];
    }

    private void MutateOnce(List<byte> bytes, byte[] other)
    {
        int position = random.Next(bytes.Count + 1);
        switch (random.Next(16))
        {
            case 0 or 1:
                if (bytes.Count > 0)
                {
                    int at = Math.Min(position, bytes.Count - 1);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 2:
                if (bytes.Count > 0)
                {
                    bytes[Math.Min(position, bytes.Count - 1)] = (byte)random.Next(256);
                }

                break;
            case 3 or 4 or 5:
                bytes.InsertRange(position, Tokens[random.Next(Tokens.Length)]);
                break;
            case 6:
                if (bytes.Count > 0)
                {
                    int start = random.Next(bytes.Count);
                    bytes.RemoveRange(start, random.Next(1, Math.Min(bytes.Count - start, 16) + 1));
                }

                break;
            case 7:
                if (bytes.Count > 0)
                {
                    int start = random.Next(bytes.Count);
                    int length = random.Next(1, bytes.Count - start + 1);
                    bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(start, length));
                }

                break;
            case 8:
                // Splice: our head, the partner's tail.
                int cut = random.Next(other.Length + 1);
                bytes.RemoveRange(position, bytes.Count - position);
                bytes.AddRange(other.AsSpan(cut).ToArray());
                break;
            case 9:
                bytes.RemoveRange(position, bytes.Count - position);
                break;
            case 10:
                // Several requests in one write.
                byte[] copy = [.. bytes];
                int times = random.Next(1, 8);
                for (int i = 0; i < times; i++)
                {
                    bytes.AddRange(random.Next(2) == 0 ? copy : other);
                }

                break;
            case 11:
                // Around the nesting limit (QEMU's MAX_NESTING is 1024).
                int depth = random.Next(2) == 0 ? random.Next(1020, 1030) : random.Next(1, 1500);
                bool brackets = random.Next(2) == 0;
                bytes.InsertRange(0, Enumerable.Repeat((byte)(brackets ? '[' : '{'), depth));
                if (random.Next(3) != 0)
                {
                    bytes.AddRange(Enumerable.Repeat((byte)(brackets ? ']' : '}'), depth));
                }

                break;
            case 12:
                if (random.Next(20) == 0)
                {
                    // Around the 1 MiB value limit, inside a string so that the value stays open.
                    int size = (1 << 20) + random.Next(-64, 64);
                    bytes.InsertRange(position, Encoding.ASCII.GetBytes("\"" + new string('x', size) + "\""));
                }
                else
                {
                    bytes.InsertRange(position, Enumerable.Repeat((byte)random.Next(0x20, 0x7F), random.Next(1, 4096)));
                }

                break;
            case 13:
                bytes.Insert(position, 0xFF);
                break;
            case 14:
                // Random bytes of any value.
                byte[] noise = new byte[random.Next(1, 32)];
                random.NextBytes(noise);
                bytes.InsertRange(position, noise);
                break;
            default:
                // A whitespace or newline run between tokens.
                bytes.InsertRange(position, Enumerable.Repeat((byte)" \n\r\t"[random.Next(4)], random.Next(1, 64)));
                break;
        }
    }
}
