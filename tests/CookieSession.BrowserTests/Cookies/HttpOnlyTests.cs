using CookieSession.BrowserTests.Infrastructure;

namespace CookieSession.BrowserTests.Cookies;

public sealed class HttpOnlyTests(ChromiumBrowser browser) : BrowserTest(browser)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HttpOnly_DecidesWhetherScriptSeesTheCookie(bool httpOnly)
    {
        var app = await StartSessionAppAsync(TestSessions.Options(CookieSessionFormat.Connect, o => o.Cookie.HttpOnly = httpOnly));
        await GoToAsync(app.Url(Sites.A, "/login"));

        await GoToAsync(app.Url(Sites.A, "/whoami"));
        var script = await Page.EvaluateAsync<string>("() => document.cookie");

        var cookie = Assert.Single(await JarAsync());
        Assert.Equal(httpOnly, cookie.HttpOnly);
        if (httpOnly)
        {
            Assert.Equal(string.Empty, script);
        }
        else
        {
            Assert.Equal($"{CookieSessionDefaults.CookieName}={cookie.Value}", script);
        }

        // Either way the browser sends it to the server.
        Assert.Equal(SessionRoutes.User, await Page.InnerTextAsync("body"));
    }
}
