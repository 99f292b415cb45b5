using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Json;

namespace CookieSession.Tests.Json;

public sealed class JsJsonParserTests
{
    [Theory]
    [InlineData("1", "1")]
    [InlineData(" \"x\" ", "\"x\"")]
    [InlineData("null", "null")]
    [InlineData("[1,{\"a\":[true]}]", "[1,{\"a\":[true]}]")]
    [InlineData("{\"7\":1,\"b\":\"\\u00e9\"}", "{\"7\":1,\"b\":\"é\"}")]
    public void TryParse_OneValue_IsParsed(string json, string expected)
    {
        Assert.True(JsJsonParser.TryParse(Encoding.UTF8.GetBytes(json), out var node));
        Assert.Equal(expected, Write(node));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"a\":1}{}")]
    [InlineData("{\"a\":1")]
    [InlineData("{'a':1}")]
    public void TryParse_NotOneValue_IsRefused(string json)
    {
        Assert.False(JsJsonParser.TryParse(Encoding.UTF8.GetBytes(json), out var node));
        Assert.Null(node);
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}", "{\"a\":2}")]
    [InlineData("{\"a\":1,\"b\":0,\"\\u0061\":2}", "{\"a\":2,\"b\":0}")]
    [InlineData("[{\"b\":{\"c\":1,\"c\":3}}]", "[{\"b\":{\"c\":3}}]")]
    [InlineData("{\"\\ud800\":1,\"\\uD800\":2}", "{\"\\ud800\":2}")]
    public void TryParse_RepeatedName_KeepsTheLastValueInTheFirstPlace_AsJsonParse(string json, string expected)
    {
        Assert.True(JsJsonParser.TryParse(Encoding.UTF8.GetBytes(json), out var node));
        Assert.Equal(expected, Write(node));
    }

    [Fact]
    public void TryParse_NestedBeyondLimit_IsRefused()
    {
        Assert.True(JsJsonParser.TryParse(Encoding.UTF8.GetBytes(new string('[', 64) + new string(']', 64)), out _));
        Assert.False(JsJsonParser.TryParse(Encoding.UTF8.GetBytes(new string('[', 65) + new string(']', 65)), out _));
    }

    [Fact]
    public void TryParse_LoneSurrogatesInNamesAndStrings_KeptAndWrittenBackByteIdentical()
    {
        const string Json = "{\"cut\":\"\\ud83d\",\"\\ud800\":[\"x\\udc00\",{\"\\udbff\":\"\\udfff!\"}],\"pair\":\"😀\"}";

        Assert.True(JsJsonParser.TryParse(Encoding.UTF8.GetBytes(Json), out var node));

        Assert.Equal("\ud83d", node!["cut"]!.GetValue<string>());
        Assert.Equal("x\udc00", node["\ud800"]![0]!.GetValue<string>());
        Assert.Equal("\udfff!", node["\ud800"]![1]!["\udbff"]!.GetValue<string>());
        Assert.Equal(Json, Write(node));
    }

    [Fact]
    public void TryParse_OtherValues_ConvertAsJsonNodeParseGivesThem()
    {
        Assert.True(JsJsonParser.TryParse("{\"n\":1,\"d\":\"2026-01-02T03:04:05Z\",\"m\":1.50,\"e\":\"\\u00e9\"}"u8.ToArray(), out var node));

        Assert.Equal(1, node!["n"]!.GetValue<int>());
        Assert.Equal(1.5m, node["m"]!.GetValue<decimal>());
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), node["d"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal("é", node["e"]!.GetValue<string>());
    }

    private static string Write(JsonNode? node)
    {
        var buffer = new PooledByteBuffer(64);
        try
        {
            JsJsonWriter.WriteNode(node, ref buffer, CookieSessionDefaults.MaxDepth);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }
}
