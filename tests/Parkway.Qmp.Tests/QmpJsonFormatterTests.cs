using System.Text;
using System.Text.Json;
using Parkway.Qmp.Protocol;

namespace Parkway.Qmp.Tests;

public sealed class QmpJsonFormatterTests
{
    private static string Format(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        var output = new StringBuilder();
        QmpJsonFormatter.AppendValue(output, document.RootElement);
        return output.ToString();
    }

    [Fact]
    public void Separators_are_QEMUs_and_member_order_is_kept()
    {
        Assert.Equal("{\"b\": [1, 2.50, {}], \"a\": {\"c\": null, \"d\": false}, \"e\": []}", Format("{\"b\":[1,2.50,{}],\"a\":{\"c\":null,\"d\":false},\"e\":[]}"));
    }

    [Fact]
    public void Strings_are_escaped_to_pure_ASCII()
    {
        string formatted = Format("\"q\\\" b\\\\ \\n\\t\\r\\b\\f \\u0001 \\u007f é 😀 </>\"");

        Assert.Equal("\"q\\\" b\\\\ \\n\\t\\r\\b\\f \\u0001 \\u007F \\u00E9 \\uD83D\\uDE00 </>\"", formatted);
        Assert.All(formatted, c => Assert.InRange(c, ' ', '~'));
    }

    [Fact]
    public void Every_transcript_reply_round_trips_to_QEMUs_exact_text_when_member_order_is_QEMUs()
    {
        foreach ((JsonElement message, string raw) in Transcript.Received)
        {
            var output = new StringBuilder();
            QmpJsonFormatter.AppendValue(output, message);

            Assert.Equal(raw, output.ToString());
        }
    }
}
