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
}
