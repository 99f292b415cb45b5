using System.Buffers;
using System.Text;
using System.Text.Json;
using CookieSession.Formats;
using CookieSession.Session;

namespace CookieSession.Tests.Session;

/// <summary>The reader-free reads agree with the serializer on tokens laid out or spelled unusually.</summary>
public sealed class TypedReadEdgeTests
{
    private static readonly JsonSerializerOptions Options = new();

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

    private static SessionData Load(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(CookieSession.Json.RawJsonObject.TryValidate(bytes, out var needsTree, out _));
        Assert.False(needsTree);
        var rented = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(rented, 0);
        var data = new SessionData();
        data.Load(SessionCookieReadResult.Verified(rented, 0, bytes.Length, needsRenewal: false));
        return data;
    }
}
