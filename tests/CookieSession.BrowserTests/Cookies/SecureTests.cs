using CookieSession.BrowserTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.BrowserTests.Cookies;

/// <summary>
/// <c>Secure</c> on a host name that is not localhost (which Chromium counts as secure even over HTTP): one app
/// on HTTPS and plain HTTP, two ports of the same host, which share cookies; only <c>Secure</c> keeps the cookie
/// off plain HTTP.
/// </summary>
public sealed class SecureTests(ChromiumBrowser browser) : BrowserTest(browser)
{
    [Theory]
    [InlineData(CookieSecurePolicy.Always, true, true, false)]
    [InlineData(CookieSecurePolicy.SameAsRequest, true, true, false)]
    [InlineData(CookieSecurePolicy.None, true, false, true)]
    [InlineData(CookieSecurePolicy.SameAsRequest, false, false, true)]
    public async Task SecurePolicy_LoginThenPlainHttp_SentOverPlainHttpOnlyWhenNotSecure(CookieSecurePolicy policy, bool loginOverHttps, bool expectSecure, bool expectSentOverHttp)
    {
        var app = await StartSessionAppAsync(TestSessions.Options(CookieSessionFormat.Connect, o => o.Cookie.SecurePolicy = policy), https: true);

        await GoToAsync(loginOverHttps ? app.HttpsUrl(Sites.A, "/login") : app.Url(Sites.A, "/login"));

        var cookie = Assert.Single(await JarAsync());
        Assert.Equal(expectSecure, cookie.Secure);
        Assert.Equal(SessionRoutes.User, await GoToAsync(app.HttpsUrl(Sites.A, "/whoami")));
        Assert.Equal(expectSentOverHttp ? CookieSessionDefaults.CookieName : string.Empty, await GoToAsync(app.Url(Sites.A, "/cookies")));
        Assert.Equal(expectSentOverHttp ? SessionRoutes.User : SessionRoutes.Anonymous, await GoToAsync(app.Url(Sites.A, "/whoami")));
    }

    [Fact]
    public async Task SecurePolicyAlways_LoginOverPlainHttp_NothingStored()
    {
        var app = await StartSessionAppAsync(TestSessions.Options(CookieSessionFormat.Connect, o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always), https: true);

        Assert.Equal("signed in", await GoToAsync(app.Url(Sites.A, "/login")));

        Assert.Empty(await JarAsync());
        Assert.Equal(SessionRoutes.Anonymous, await GoToAsync(app.HttpsUrl(Sites.A, "/whoami")));
    }
}
