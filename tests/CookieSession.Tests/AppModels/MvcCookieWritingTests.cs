using System.Net;
using CookieSession.Tests.Infrastructure;
using CookieSession.Tests.Properties;

namespace CookieSession.Tests.AppModels;

/// <summary>
/// What an MVC response with TempData in the session writes when nothing changed: no cookie, and no
/// <c>Vary: Cookie</c>, so that a page that does not use the session stays cacheable.
/// </summary>
public sealed class MvcCookieWritingTests
{
    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task ReadEmpty_NoCookie_WritesNoCookie(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);

        var response = await host.SendAsync("/tempdata/read-empty");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Empty(response.SetCookies);
    }

    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task ReadEmpty_SessionWithoutTempData_LeavesTheCookieAlone(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();
        await jar.SendAsync(host, "/tempdata/set-with-user?value=Foo&user=Ada");
        await jar.SendAsync(host, "/tempdata/get");

        var response = await jar.SendAsync(host, "/tempdata/read-empty");
        var user = await jar.SendAsync(host, "/tempdata/user");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Empty(response.SetCookies);
        Assert.Equal("Ada", user.Body);
    }

    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task Untouched_WithAndWithoutACookie_NeitherSetCookieNorVary(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();

        var withoutCookie = await jar.SendAsync(host, "/tempdata/untouched");
        await jar.SendAsync(host, "/tempdata/set-with-user?value=Foo&user=Ada");
        var withCookie = await jar.SendAsync(host, "/tempdata/untouched");

        foreach (var response in new[] { withoutCookie, withCookie })
        {
            Assert.Equal("untouched", response.Body);
            Assert.Empty(response.SetCookies);
            Assert.Null(response.Header("Vary"));
        }
    }
}
