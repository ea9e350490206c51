using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parkway.Qmp.Tests;

public sealed class QmpArgumentParserTests
{
    [Fact]
    public void JSON_literals_keep_their_type_and_everything_else_is_a_string()
    {
        JsonObject arguments = QmpArgumentParser.Parse(
            ["driver=host-arm-cpu", "id=cpu1", "core-id=3", "socket-id=-1", "ratio=0.5", "on=true", "off=false", "nothing=null",
             "quoted=\"4\"", "obj={\"a\": [1]}", "list=[1,2]", "word=4abc", "empty=", "eq=a=b", "spaced= 7 "]);

        Assert.Equal(JsonValueKind.String, arguments["driver"]!.GetValueKind());
        Assert.Equal("cpu1", arguments["id"]!.GetValue<string>());
        Assert.Equal(3, arguments["core-id"]!.GetValue<int>());
        Assert.Equal(-1, arguments["socket-id"]!.GetValue<int>());
        Assert.Equal(0.5, arguments["ratio"]!.GetValue<double>());
        Assert.True(arguments["on"]!.GetValue<bool>());
        Assert.False(arguments["off"]!.GetValue<bool>());
        Assert.True(arguments.ContainsKey("nothing"));
        Assert.Null(arguments["nothing"]);
        Assert.Equal("4", arguments["quoted"]!.GetValue<string>());
        Assert.Equal(1, arguments["obj"]!["a"]![0]!.GetValue<int>());
        Assert.Equal(JsonValueKind.Array, arguments["list"]!.GetValueKind());
        Assert.Equal("4abc", arguments["word"]!.GetValue<string>());
        Assert.Equal("", arguments["empty"]!.GetValue<string>());
        Assert.Equal("a=b", arguments["eq"]!.GetValue<string>());
        Assert.Equal(7, arguments["spaced"]!.GetValue<int>());
        Assert.Equal("{\"driver\":\"host-arm-cpu\",\"id\":\"cpu1\",\"core-id\":3}", QmpArgumentParser.Parse(["driver=host-arm-cpu", "id=cpu1", "core-id=3"]).ToJsonString());
    }

    [Theory]
    [InlineData("core-id")]
    [InlineData("=3")]
    public void A_word_that_is_not_key_value_is_a_format_error_naming_it(string word)
    {
        var e = Assert.Throws<FormatException>(() => QmpArgumentParser.Parse([word]));

        Assert.Contains(word, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_key_is_a_format_error()
    {
        var e = Assert.Throws<FormatException>(() => QmpArgumentParser.Parse(["id=a", "id=b"]));

        Assert.Contains("'id'", e.Message, StringComparison.Ordinal);
    }
}
