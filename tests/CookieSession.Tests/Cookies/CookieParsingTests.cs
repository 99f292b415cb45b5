using System.Text;
using CookieSession.Cookies;

namespace CookieSession.Tests.Cookies;

public sealed class CookieParsingTests
{
    [Theory]
    [InlineData("/admin", "/admin", true)]
    [InlineData("/admin/", "/admin", true)]
    [InlineData("/admin/foo", "/admin", true)]
    [InlineData("/administrator", "/admin", false)]
    [InlineData("/Admin", "/admin", false)]
    [InlineData("/", "/admin", false)]
    [InlineData("/admin/foo", "/admin/", true)]
    [InlineData("/admin", "/admin/", false)]
    [InlineData("/anything", "/", true)]
    public void PathMatch_FollowsRfc6265(string requestPath, string cookiePath, bool expected)
        => Assert.Equal(expected, CookiePath.Matches(requestPath, cookiePath));

    [Theory]
    [InlineData("a=1; b=2", "b", "2")]
    [InlineData("a=1;b=2", "b", "2")]
    [InlineData("  b =  2  ; a=1", "b", "2")]
    [InlineData("b=\"quoted\"", "b", "quoted")]
    [InlineData("b=1; b=2", "b", "1")]
    [InlineData("bb=1; b=2", "b", "2")]
    [InlineData("b==x=", "b", "=x=")]
    [InlineData("noequals; b=3", "b", "3")]
    public void HeaderReader_FindsLikeNodesCookieParse(string header, string name, string expected)
    {
        Assert.True(CookieHeaderReader.TryGetValue(header, name, out var value));
        Assert.Equal(expected, value.ToString());
    }

    [Theory]
    [InlineData("a=1")]
    [InlineData("")]
    [InlineData("b")]
    public void HeaderReader_Absent_ReturnsFalse(string header)
        => Assert.False(CookieHeaderReader.TryGetValue(header, "b", out _));

    [Theory]
    [InlineData("s%3Aabc", "s:abc")]
    [InlineData("%E2%80%A8%F0%9F%98%80", "\u2028😀")]
    [InlineData("plain", "plain")]
    [InlineData("a%2Bb%2fc", "a+b/c")]
    public void Decode_ValidEscapes(string raw, string expected)
    {
        var buffer = new byte[UriComponent.MaxDecodedLength(raw.Length)];
        Assert.True(UriComponent.TryDecode(raw, buffer, out var written));
        Assert.Equal(expected, Encoding.UTF8.GetString(buffer, 0, written));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("%4")]
    [InlineData("%G0")]
    [InlineData("%C3%28")]
    [InlineData("%ED%A0%80")]
    public void Decode_InvalidEscapes_Fail(string raw)
        => Assert.False(UriComponent.TryDecode(raw, new byte[UriComponent.MaxDecodedLength(raw.Length)], out _));

    [Theory]
    [InlineData("abc-._~", "abc-._~")]
    [InlineData("s:j:{\"a\":1}.+/", null)]
    [InlineData("é😀 !*'()", null)]
    public void EscapedLength_EqualsEscapeDataString(string value, string? escaped)
        => Assert.Equal((escaped ?? Uri.EscapeDataString(value)).Length, UriComponent.EscapedLength(Encoding.UTF8.GetBytes(value)));
}
