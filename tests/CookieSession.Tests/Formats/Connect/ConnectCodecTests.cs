using System.Text;
using CookieSession.Formats.Connect;
using CookieSession.Signing;
using CookieSession.Tests.Infrastructure;

namespace CookieSession.Tests.Formats.Connect;

/// <summary>The Connect codec alone: a signed value as it travels to the session's JSON, decoded on the stack or in pooled scratch.</summary>
public sealed class ConnectCodecTests
{
    private static readonly ConnectCodec s_codec = new(HmacSigner.ForCookieSignature([SessionTestHost.Secret]));

    [Theory]
    [InlineData(0, "x")]
    [InlineData(1900, "x")]
    [InlineData(2000, "x")]
    [InlineData(4000, "x")]
    [InlineData(100, "é")]
    [InlineData(300, "é")]
    [InlineData(1000, "é")]
    [InlineData(500, "😀")]
    public void Decode_SignedJson_EitherSideOfTheStackLimit_GivesTheJsonInAnArrayOfItsLength(int count, string filler)
    {
        // Values up to 2048 characters decode on the stack. Characters beyond ASCII, sent raw as a browser may, decode
        // to more bytes than they are characters, past what the stack holds for some of these: those go the pooled way.
        var text = string.Concat(Enumerable.Repeat(filler, count));
        var json = "{\"a\":\"" + text + "\"}";
        var value = "s:j:" + json + "." + TestSigning.Mac("j:" + json, SessionTestHost.Secret);
        var raw = filler == "x" ? Uri.EscapeDataString(value) : value.Replace("{", "%7B").Replace("\"", "%22");

        var result = s_codec.Decode(raw);

        Assert.True(result.IsLoaded, $"{raw.Length} characters: {result.Rejection}");
        Assert.Equal(Encoding.UTF8.GetBytes(json), result.JsonArray);
        Assert.False(result.NeedsRenewal);
        Assert.Equal(CookieSession.Json.RawJsonObject.Index(Encoding.UTF8.GetBytes(json)), result.Index);
    }

    [Theory]
    [InlineData("s%3Aj%3A%7B%7D.bad", "BadSignature")]
    [InlineData("s%3Aj%3A%7B%7D%ZZ.x", "MalformedEncoding")]
    [InlineData("j%3A%7B%7D", "Unsigned")]
    [InlineData("é%ZZ", "MalformedEncoding")]
    public void Decode_RefusedValue_GivesItsReasonOnEitherWay(string raw, string expected)
    {
        // Short, on the stack; made longer than the stack takes, in pooled scratch. A malformed value beyond ASCII is told
        // apart from one that the stack was only too short for.
        var longer = raw.StartsWith("s%3A", StringComparison.Ordinal) ? raw.Insert(4, new string('x', 2100)) : new string('x', 2100) + raw;

        Assert.Equal(expected, s_codec.Decode(raw).Rejection.ToString());
        Assert.Equal(expected, s_codec.Decode(longer).Rejection.ToString());
    }

    [Fact]
    public void Decode_SignedButNotJson_IsNotAJsonObject()
    {
        var value = "s:plain." + TestSigning.Mac("plain", SessionTestHost.Secret);

        Assert.Equal("NotJsonObject", s_codec.Decode(Uri.EscapeDataString(value)).Rejection.ToString());
        Assert.Equal("NotJsonObject", s_codec.Decode(Uri.EscapeDataString("s:j:[1]." + TestSigning.Mac("j:[1]", SessionTestHost.Secret))).Rejection.ToString());
    }
}
