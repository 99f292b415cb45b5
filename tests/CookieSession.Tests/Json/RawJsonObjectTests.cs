using System.Text;
using CookieSession.Json;

namespace CookieSession.Tests.Json;

public sealed class RawJsonObjectTests
{
    [Theory]
    [InlineData("{}", true, false)]
    [InlineData("{\"a\":1,\"b\":[1,{\"c\":null}]}", true, false)]
    [InlineData(" {\"a\":1} ", true, false)]
    [InlineData("{\"a\":1,\"a\":2}", true, true)]
    [InlineData("{\"a\":1,\"\\u0061\":2}", true, true)]
    [InlineData("[]", false, false)]
    [InlineData("5", false, false)]
    [InlineData("\"x\"", false, false)]
    [InlineData("null", false, false)]
    [InlineData("", false, false)]
    [InlineData("{\"a\":1}{}", false, false)]
    [InlineData("{\"a\":1", false, false)]
    [InlineData("{'a':1}", false, false)]
    [InlineData("{\"a\":01}", false, false)]
    public void TryValidate_AcceptsOneObjectOnly(string json, bool valid, bool repeated)
    {
        Assert.Equal(valid, RawJsonObject.TryValidate(Encoding.UTF8.GetBytes(json), out var repeatedKeys));
        Assert.Equal(repeated, valid && repeatedKeys);
    }

    [Fact]
    public void TryValidate_NestedBeyondLimit_Fails()
    {
        var json = "{\"a\":" + new string('[', 64) + new string(']', 64) + "}";
        Assert.False(RawJsonObject.TryValidate(Encoding.UTF8.GetBytes(json), out _));
    }

    [Fact]
    public void TryGetValue_EscapedName_MatchesItsText()
    {
        var json = Encoding.UTF8.GetBytes("{\"a\\u0041\":{\"x\":[1]},\"é\":\"v\"}");
        Assert.True(RawJsonObject.TryGetValue(json, "aA", out var value));
        Assert.Equal("{\"x\":[1]}", Encoding.UTF8.GetString(value));
        Assert.True(RawJsonObject.TryGetValue(json, "é", out var accented));
        Assert.Equal("\"v\"", Encoding.UTF8.GetString(accented));
        Assert.False(RawJsonObject.TryGetValue(json, "a", out _));
    }

    [Fact]
    public void Enumerator_GivesRawNamesAndValues()
    {
        var json = Encoding.UTF8.GetBytes("{\"a\\u0041\":1e21,\"b\":[1, 2]}");
        var enumerator = new RawJsonObject.Enumerator(json);
        var seen = new List<string>();
        while (enumerator.MoveNext())
        {
            seen.Add($"{Encoding.UTF8.GetString(enumerator.RawName)}|{enumerator.Name()}|{Encoding.UTF8.GetString(enumerator.Value)}");
        }

        Assert.Equal(["a\\u0041|aA|1e21", "b|b|[1, 2]"], seen);
    }

    [Fact]
    public void ToTree_KeepsFirstPlaceAndLastValue_AndJavaScriptNumbers()
    {
        var tree = RawJsonObject.ToTree(Encoding.UTF8.GetBytes("{\"a\":1,\"b\":1e400,\"c\":9007199254740993,\"a\":0.1}"));
        Assert.Equal("{\"a\":0.1,\"b\":null,\"c\":9007199254740993}", Write(tree));
    }

    // Lone surrogates as Node 20's JSON.stringify writes them: keys, values, nested in arrays and objects.
    private const string LoneSurrogates =
        "{\"\\ud800\":[\"a\\udc00b\",{\"k\":\"\\ud83d\",\"\\udfff\":[[\"\\ud83d\"]]}],\"b\":\"\\ud83d\",\"c\":\"\\ud83d\\ude00\"}";

    [Fact]
    public void ToTree_LoneSurrogates_KeptInKeysAndValuesAtAnyDepth()
    {
        var tree = RawJsonObject.ToTree(Encoding.UTF8.GetBytes(LoneSurrogates));

        Assert.Equal(["\ud800", "b", "c"], tree.Select(p => p.Key));
        var array = tree["\ud800"]!.AsArray();
        Assert.Equal("a\udc00b", array[0]!.GetValue<string>());
        Assert.Equal("\ud83d", array[1]!["k"]!.GetValue<string>());
        Assert.Equal("\ud83d", array[1]!["\udfff"]![0]![0]!.GetValue<string>());
        Assert.Equal("\ud83d", tree["b"]!.GetValue<string>());
        Assert.Equal("😀", tree["c"]!.GetValue<string>());
    }

    [Fact]
    public void ToTree_LoneSurrogates_WrittenBackByteIdentical()
    {
        var tree = RawJsonObject.ToTree(Encoding.UTF8.GetBytes(LoneSurrogates));

        // JSON.stringify writes the escaped pair as the character itself.
        Assert.Equal(LoneSurrogates.Replace("\\ud83d\\ude00", "😀", StringComparison.Ordinal), Write(tree));
    }

    [Fact]
    public void ToNode_LoneSurrogateInArray_IsKept()
    {
        var node = RawJsonObject.ToNode("[\"\\ud83d\",\"x\\udc00\"]"u8);

        Assert.Equal(["\ud83d", "x\udc00"], node!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public void Enumerator_EscapedLoneSurrogateNames_NamedAndComparedWithoutThrowing()
    {
        var enumerator = new RawJsonObject.Enumerator(Encoding.UTF8.GetBytes(LoneSurrogates));
        var seen = new List<string>();
        while (enumerator.MoveNext())
        {
            seen.Add($"{enumerator.Name() == "\ud800"},{enumerator.NameEquals("\ud800")},{enumerator.NameEquals("b")},{enumerator.NameEquals("\uFFFD")}");
        }

        Assert.Equal(["True,True,False,False", "False,False,True,False", "False,False,False,False"], seen);
    }

    [Fact]
    public void TryGetValue_AfterAnEscapedLoneSurrogateName_FindsEveryKey()
    {
        var json = Encoding.UTF8.GetBytes(LoneSurrogates);

        Assert.True(RawJsonObject.TryGetValue(json, "b", out var b));
        Assert.Equal("\"\\ud83d\"", Encoding.UTF8.GetString(b));
        Assert.True(RawJsonObject.TryGetValue(json, "\ud800", out var lone));
        Assert.StartsWith("[\"a\\udc00b\"", Encoding.UTF8.GetString(lone), StringComparison.Ordinal);
        Assert.False(RawJsonObject.TryGetValue(json, "\udfff", out _));
    }

    [Fact]
    public void TryGetValue_LoneSurrogateKey_DoesNotMatchAReplacementCharacterName()
    {
        // Encoding.UTF8 writes a lone surrogate as U+FFFD: the bytes of this unescaped name.
        var json = Encoding.UTF8.GetBytes("{\"\uFFFD\":1,\"a\\ud800\":2}");

        Assert.False(RawJsonObject.TryGetValue(json, "\ud800", out _));
        Assert.False(RawJsonObject.TryGetValue(json, "a\udc00", out _));
        Assert.True(RawJsonObject.TryGetValue(json, "a\ud800", out var value));
        Assert.Equal("2", Encoding.UTF8.GetString(value));
        Assert.True(RawJsonObject.TryGetValue(json, "\uFFFD", out _));
    }

    private static string Write(System.Text.Json.Nodes.JsonObject tree)
    {
        var buffer = new PooledByteBuffer(64);
        try
        {
            JsJsonWriter.WriteObject(tree, ref buffer, CookieSessionDefaults.MaxDepth);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    [Theory]
    [InlineData("{\"a\":1,\"b\":\"two\",\"c\":[1,{\"d\":null}],\"e\":{}}")]
    [InlineData("{ \"a\" : 1 ,\n \"b\" : [ 1 , 2 ] , \"c\":\"x\\\"y\" }")]
    [InlineData("{\"2\":true,\"\u00e9\":\"\u65e5\u672c\"}")]
    [InlineData("{}")]
    public void TryValidate_IndexFoundWhileValidating_IsWhereThePropertiesLie(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.True(RawJsonObject.TryValidate(bytes, out var needsTree, out var index));

        Assert.False(needsTree);
        Assert.Equal(RawJsonObject.Index(bytes), index);
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"b\":1,\"1\":2}")]
    [InlineData("{\"a\\u0062\":1}")]
    public void TryValidate_WhenOnlyATreeReadsIt_GivesNoIndex(string json)
    {
        Assert.True(RawJsonObject.TryValidate(Encoding.UTF8.GetBytes(json), out var needsTree, out var index));

        Assert.True(needsTree);
        Assert.Null(index);
    }
}
