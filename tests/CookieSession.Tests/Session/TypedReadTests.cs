using System.Buffers;
using System.Text;
using System.Text.Json;
using CookieSession.Formats;
using CookieSession.Session;

namespace CookieSession.Tests.Session;

/// <summary>
/// Strings and integers are read from the cookie's JSON without a JSON reader; what they give must be what
/// <see cref="JsonSerializer"/> gives for the same token, including when it refuses it.
/// </summary>
public sealed class TypedReadTests
{
    private static readonly JsonSerializerOptions Options = new();

    [Theory]
    [InlineData("\"plain\"")]
    [InlineData("\"\"")]
    [InlineData("\"Ada \\\"Lovelace\\\"\"")]
    [InlineData("\"tab\\tnew\\nline \\u00e9 \\/\"")]
    [InlineData("\"é😀 ü\"")]
    [InlineData("\"\\ud83d\\ude00\"")]
    public void GetString_AsTheSerializerReadsIt(string token)
    {
        var data = Load("{\"a\":" + token + "}");
        Assert.Equal(JsonSerializer.Deserialize<string>(token, Options), data.Get<string>("a", Options));
        Assert.True(data.TryGet<string>("a", Options, out var value));
        Assert.Equal(JsonSerializer.Deserialize<string>(token, Options), value);
    }

    [Fact]
    public void GetString_ALoneSurrogateEscape_IsKeptAsJsonParseKeepsIt()
    {
        var data = Load("{\"a\":\"x\\ud83dy\"}");
        Assert.Equal("x" + new string('\ud83d', 1) + "y", data.Get<string>("a", Options));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("42")]
    [InlineData("-2147483648")]
    [InlineData("2147483647")]
    public void GetInt_AsTheSerializerReadsIt(string token)
    {
        var data = Load("{\"a\":" + token + "}");
        Assert.Equal(JsonSerializer.Deserialize<int>(token, Options), data.Get<int>("a", Options));
    }

    [Theory]
    [InlineData("2147483648")]
    [InlineData("-2147483649")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("1.0")]
    [InlineData("\"12\"")]
    [InlineData("true")]
    public void GetInt_WhatTheSerializerRefuses_IsRefused(string token)
    {
        var data = Load("{\"a\":" + token + "}");
        var expected = Record.Exception(() => JsonSerializer.Deserialize<int>(token, Options));
        if (expected is null)
        {
            Assert.Equal(JsonSerializer.Deserialize<int>(token, Options), data.Get<int>("a", Options));
        }
        else
        {
            Assert.Throws<JsonException>(() => data.Get<int>("a", Options));
            Assert.False(data.TryGet<int>("a", Options, out _));
        }
    }

    [Fact]
    public void GetString_OfANumber_IsRefused_AndGetInt_OfAString_IsRefused()
    {
        var data = Load("{\"n\":12,\"s\":\"12\"}");
        Assert.False(data.TryGet<string>("n", Options, out _));
        Assert.False(data.TryGet<int>("s", Options, out _));
    }

    [Theory]
    [InlineData("{ \"a\" :\t\"x\\\\\" , \"b\":1 }", "x\\")]
    [InlineData("{\"a\":\"\\\\\"}", "\\")]
    [InlineData("{\"a\":\"\\\"\"}", "\"")]
    [InlineData("{\n\"a\"\n:\n\"q\"\n}", "q")]
    public void GetString_SpacedOrEndingInAnEscape_AsTheSerializerReadsIt(string json, string expected)
    {
        Assert.Equal(expected, Load(json).Get<string>("a", Options));
    }

    [Theory]
    [InlineData("{ \"a\" : -0 }", 0)]
    [InlineData("{\"a\":7 ,\"b\":2}", 7)]
    [InlineData("{\"a\":-12}", -12)]
    public void GetInt_SpacedOrSigned_AsTheSerializerReadsIt(string json, int expected)
    {
        Assert.Equal(expected, Load(json).Get<int>("a", Options));
    }

    [Theory]
    [InlineData("1e2")]
    [InlineData("-1E0")]
    [InlineData("99999999999999999999999999")]
    [InlineData("-0.0")]
    [InlineData("0.5")]
    public void GetInt_ExponentFractionOrHuge_IsRefusedAsTheSerializerRefusesIt(string token)
    {
        var data = Load("{\"a\":" + token + "}");
        Assert.ThrowsAny<Exception>(() => JsonSerializer.Deserialize<int>(token, Options));
        Assert.False(data.TryGet<int>("a", Options, out _));
    }

    [Theory]
    [InlineData("{\"a\":12}")]
    [InlineData("{\"a\":true}")]
    [InlineData("{\"a\":[\"x\"]}")]
    [InlineData("{\"a\":{\"b\":\"x\"}}")]
    public void GetString_OfANonString_IsRefused(string json)
    {
        Assert.False(Load(json).TryGet<string>("a", Options, out _));
    }

    [Fact]
    public void GetString_LoneLowSurrogateEscapeAtTheEnd_IsKept()
    {
        Assert.Equal("x\udc00", Load("{\"a\":\"x\\udc00\"}").Get<string>("a", Options));
    }

    private static SessionContents Load(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(CookieSession.Json.RawJsonObject.TryValidate(bytes, out var needsTree, out _));
        Assert.False(needsTree);
        var rented = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(rented, 0);
        var data = new SessionContents();
        data.Load(SessionCookieReadResult.Verified(rented, 0, bytes.Length, needsRenewal: false));
        return data;
    }
}
