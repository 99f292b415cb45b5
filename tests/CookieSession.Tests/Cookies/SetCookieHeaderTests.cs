using System.Text;
using CookieSession.Cookies;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Cookies;

/// <summary>The header written directly is the very one Response.Cookies.Append writes.</summary>
public sealed class SetCookieHeaderTests
{
    public static TheoryData<string, string, CookieOptions> Cases() => new()
    {
        { "connect.sess", "s:j:{\"count\":1}.QaA3VUxvg7b11JSJ7deLwQD3x13u/uoLbfoW+SKX8OM", new CookieOptions() },
        { "a", "plain-._~", new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax } },
        { "sess", "é😀 !*'()\"<>", new CookieOptions { Path = "/admin", Domain = "example.com", Secure = true, SameSite = SameSiteMode.None } },
        { "s", "x", new CookieOptions { Expires = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), MaxAge = TimeSpan.FromSeconds(3600.7), SameSite = SameSiteMode.Strict, HttpOnly = true } },
        { "s", "", new CookieOptions { Expires = DateTimeOffset.UnixEpoch, Path = "/" } },
        { "s", "x", WithExtensions(new CookieOptions { Path = "/" }, "priority=high", "foo") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Format_EqualsResponseCookiesAppend(string name, string value, CookieOptions options)
    {
        var context = new DefaultHttpContext();
        context.Response.Cookies.Append(name, value, options);
        var expected = context.Response.Headers.SetCookie.ToString();
        var bytes = Encoding.UTF8.GetBytes(value);

        var size = SetCookieSize.Of(name, UriComponent.EscapedLength(bytes), options);
        var actual = SetCookieHeader.Format(name, bytes, size, options);

        Assert.Equal(expected, actual);
        Assert.Equal(expected.Length, size);
    }

    [Fact]
    public void Append_PlainResponseCookies_WritesDirectly()
    {
        var context = new DefaultHttpContext();
        SetCookieHeader.Append(context.Response, "n", "v"u8, new CookieOptions());
        Assert.True(SetCookieHeader.IsPlainResponseCookies(context));
        Assert.Equal("n=v; path=/", context.Response.Headers.SetCookie.ToString());
    }

    private static CookieOptions WithExtensions(CookieOptions options, params string[] extensions)
    {
        foreach (var extension in extensions)
        {
            options.Extensions.Add(extension);
        }

        return options;
    }
}
