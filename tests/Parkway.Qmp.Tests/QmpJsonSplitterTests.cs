using System.Text;
using Parkway.Qmp.Protocol;

namespace Parkway.Qmp.Tests;

public sealed class QmpJsonSplitterTests
{
    private static List<QmpInputFrame> Feed(QmpJsonSplitter splitter, params string[] chunks)
    {
        var frames = new List<QmpInputFrame>();
        foreach (string chunk in chunks)
        {
            splitter.Feed(Encoding.UTF8.GetBytes(chunk), frames);
        }

        return frames;
    }

    private static string[] Describe(IEnumerable<QmpInputFrame> frames) =>
        frames.Select(f => f.Json is { } json ? Encoding.UTF8.GetString(json) : "error: " + f.Error + (f.Fatal ? " (fatal)" : "")).ToArray();

    [Fact]
    public void Adjacent_values_are_cut_apart_and_whitespace_between_them_dropped()
    {
        string[] frames = Describe(Feed(new QmpJsonSplitter(), "{\"a\": 1}{\"b\": [2]}\r\n  [3] {}"));

        Assert.Equal(["{\"a\": 1}", "{\"b\": [2]}", "[3]", "{}"], frames);
    }

    [Fact]
    public void A_value_spanning_feeds_is_emitted_once_complete()
    {
        var splitter = new QmpJsonSplitter();

        Assert.Empty(Feed(splitter, "{\"a\": \"x}", "]\\\"", "\"\n"));
        Assert.Equal(["{\"a\": \"x}]\\\"\"\n}"], Describe(Feed(splitter, "}")));
    }

    [Fact]
    public void Braces_and_quotes_inside_strings_do_not_count()
    {
        string[] frames = Describe(Feed(new QmpJsonSplitter(), "{\"k\": \"{[\\\\\"}{\"k\": \"\\\"}\"}"));

        Assert.Equal(["{\"k\": \"{[\\\\\"}", "{\"k\": \"\\\"}\"}"], frames);
    }

    [Fact]
    public void Single_quoted_strings_become_double_quoted_with_quotes_escaped_correctly()
    {
        string[] frames = Describe(Feed(new QmpJsonSplitter(), "{'a': 'say \"hi\"', 'b': 'it\\'s', \"c\": \"it\\'s too\"}"));

        Assert.Equal(["{\"a\": \"say \\\"hi\\\"\", \"b\": \"it's\", \"c\": \"it's too\"}"], frames);
    }

    [Fact]
    public void Top_level_scalars_are_cut_at_the_next_delimiter()
    {
        string[] frames = Describe(Feed(new QmpJsonSplitter(), "42 true{}\"s\"nul", "l "));

        Assert.Equal(["42", "true", "{}", "\"s\"", "null"], frames);
    }

    [Fact]
    public void A_stray_closer_is_an_error_and_scanning_restarts()
    {
        string[] frames = Describe(Feed(new QmpJsonSplitter(), "]{}", "{]"));

        Assert.Equal(["error: JSON parse error, stray ']'", "{}", "error: JSON parse error, stray ']'"], frames);
    }

    [Fact]
    public void An_oversized_value_is_reported_once_skipped_to_its_end_and_the_next_value_is_found()
    {
        var splitter = new QmpJsonSplitter(maxValueBytes: 16);

        string[] frames = Describe(Feed(splitter, "{\"big\": \"0123456789abcdef", "0123}\"}", "{\"ok\": 1}"));

        Assert.Equal(["error: JSON token size limit exceeded", "{\"ok\": 1}"], frames);
    }

    [Theory]
    [InlineData("{\"execute\": \"x\", \"arguments\": {\"big\": \"0123456789abcdef0123\"}, \"id\": \"c7\"}", "\"c7\"")]
    [InlineData("{\"id\": 42, \"execute\": \"x\", \"arguments\": {\"big\": \"0123456789abcdef0123\"}}", "42")]
    [InlineData("{'execute': 'x', 'arguments': {'id': 1, 'big': '0123456789abcdef0123'}, 'id': {'n': [1, 'a,b']}}", "{\"n\": [1, \"a,b\"]}")]
    [InlineData("{\"execute\": \"x\", \"arguments\": {\"id\": \"inner\", \"big\": \"0123456789abcdef0123\"}}", null)]
    [InlineData("{\"execute\": \"x\", \"idx\": 1, \"arguments\": {\"big\": \"0123456789abcdef0123\"}}", null)]
    public void An_oversized_request_is_refused_with_its_top_level_id_when_one_was_read(string request, string? id)
    {
        List<QmpInputFrame> frames = Feed(new QmpJsonSplitter(maxValueBytes: 40), request, "{}");

        Assert.Equal(["error: JSON token size limit exceeded", "{}"], Describe(frames));
        Assert.Equal(id, frames[0].Id is { } bytes ? Encoding.UTF8.GetString(bytes) : null);
    }

    [Fact]
    public void Too_deep_nesting_is_refused_with_the_id()
    {
        List<QmpInputFrame> frames = Feed(new QmpJsonSplitter(maxDepth: 3), "{\"arguments\": [[[[1]]]], \"id\": \"deep\"}");

        Assert.Equal(["error: JSON nesting depth limit exceeded"], Describe(frames));
        Assert.Equal("\"deep\"", Encoding.UTF8.GetString(frames[0].Id!));
    }

    [Fact]
    public void Too_deep_nesting_is_reported_once_and_the_next_value_is_found()
    {
        var splitter = new QmpJsonSplitter(maxDepth: 3);

        string[] frames = Describe(Feed(splitter, "[[[]]]", "[[[[[]]]]]", "[1]"));

        Assert.Equal(["[[[]]]", "error: JSON nesting depth limit exceeded", "[1]"], frames);
    }

    [Fact]
    public void A_value_that_never_ends_eventually_breaks_the_stream()
    {
        var splitter = new QmpJsonSplitter(maxValueBytes: 8, maxDiscardBytes: 64);

        List<QmpInputFrame> frames = Feed(splitter, "[\"" + new string('x', 100), "\"]{}");

        Assert.Equal(["error: JSON token size limit exceeded", "error: JSON token size limit exceeded (fatal)"], Describe(frames));
        Assert.True(frames[^1].Fatal);
    }

    [Fact]
    public void A_0xFF_byte_resets_a_half_read_value()
    {
        var splitter = new QmpJsonSplitter();
        var frames = new List<QmpInputFrame>();

        splitter.Feed([.. Encoding.ASCII.GetBytes("{\"a\": [1, "), 0xFF, .. Encoding.ASCII.GetBytes("{\"b\": 2}")], frames);

        Assert.Equal(["error: JSON parse error, stray '\\xFF'", "{\"b\": 2}"], Describe(frames));
    }

    [Fact]
    public void End_of_input_inside_a_value_is_reported_and_a_pending_scalar_is_emitted()
    {
        var open = new QmpJsonSplitter();
        Feed(open, "{\"a\": ");
        var openFrames = new List<QmpInputFrame>();
        open.Finish(openFrames);
        var scalar = new QmpJsonSplitter();
        Feed(scalar, "12");
        var scalarFrames = new List<QmpInputFrame>();
        scalar.Finish(scalarFrames);

        Assert.Equal(["error: JSON parse error, premature end of input"], Describe(openFrames));
        Assert.Equal(["12"], Describe(scalarFrames));
    }
}
