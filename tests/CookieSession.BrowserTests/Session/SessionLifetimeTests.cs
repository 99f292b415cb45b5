using CookieSession.BrowserTests.Infrastructure;

namespace CookieSession.BrowserTests.Session;

/// <summary>The session across what a user does in a browser: navigate, reload, close the browser or not.</summary>
public sealed class SessionLifetimeTests(ChromiumBrowser browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Session_NavigationLinkAndReload_CarriesTheSession()
    {
        var app = await StartSessionAppAsync(TestSessions.Options(CookieSessionFormat.Connect));

        Assert.Equal("signed in", await GoToAsync(app.Url(Sites.A, "/login")));
        Assert.Equal($"{SessionRoutes.User} 1", await GoToAsync(app.Url(Sites.A, "/visit")));

        var reloaded = await Page.ReloadAsync();
        Assert.Equal($"{SessionRoutes.User} 2", await reloaded!.TextAsync());

        await GoToAsync(app.Url(Sites.A, "/links?to=/visit"));
        var (_, clicked) = await ClickAndNavigateAsync("#link");
        Assert.Equal($"{SessionRoutes.User} 3", clicked);

        await Page.GoBackAsync();
        var forward = await Page.GoForwardAsync();
        Assert.Equal($"{SessionRoutes.User} 4", await forward!.TextAsync());

        var cookie = Assert.Single(await JarAsync());
        Assert.Equal(CookieSessionDefaults.CookieName, cookie.Name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Login_RememberMe_PersistentCookieElseBrowserSessionCookie(bool remember)
    {
        var app = await StartSessionAppAsync(TestSessions.Options(CookieSessionFormat.Connect));
        var before = DateTimeOffset.UtcNow;

        await GoToAsync(app.Url(Sites.A, remember ? "/login?remember=1" : "/login"));

        var cookie = Assert.Single(await JarAsync());
        if (remember)
        {
            // Expires is in seconds since the Unix epoch; Max-Age counts from when the browser received the cookie.
            // Chromium's network service dates cookies by a clock that may stand minutes apart from this process's
            // when the machine's clock is stepped (seen on virtual machines), so "30 days on" is checked to a day.
            var expires = DateTimeOffset.FromUnixTimeMilliseconds((long)(cookie.Expires * 1000));
            Assert.InRange(expires, before + SessionRoutes.RememberFor - TimeSpan.FromDays(1), DateTimeOffset.UtcNow + SessionRoutes.RememberFor + TimeSpan.FromDays(1));
        }
        else
        {
            // -1: a browser-session cookie, gone when the browser closes.
            Assert.Equal(-1, cookie.Expires);
        }

        Assert.Equal(SessionRoutes.User, await GoToAsync(app.Url(Sites.A, "/whoami")));
    }

    [Theory]
    [InlineData(CookieSessionFormat.Connect)]
    [InlineData(CookieSessionFormat.ExpressCookieSession)]
    [InlineData(CookieSessionFormat.Protected)]
    [InlineData(CookieSessionFormat.IronSession)]
    public async Task ClearCookieSession_RemovesTheCookieFromTheJar(CookieSessionFormat format)
    {
        var app = await StartSessionAppAsync(TestSessions.Options(format));
        await GoToAsync(app.Url(Sites.A, "/login"));
        Assert.Contains(await JarAsync(), c => c.Name == TestSessions.CookieName(format));

        Assert.Equal("signed out", await GoToAsync(app.Url(Sites.A, "/logout")));

        Assert.Empty(await JarAsync());
        Assert.Equal(string.Empty, await GoToAsync(app.Url(Sites.A, "/cookies")));
        Assert.Equal(SessionRoutes.Anonymous, await GoToAsync(app.Url(Sites.A, "/whoami")));
    }
}
