using CookieSession.BrowserTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.BrowserTests.Cookies;

/// <summary>
/// SameSite as Chromium applies it: the session is set on site A (over HTTPS, <c>Secure</c>, as <c>None</c>
/// requires), then a page of site A or of site B links (top-level GET) or posts a form (top-level POST) to A's
/// <c>/whoami</c>, which answers the user only when the cookie came with the request.
/// </summary>
public sealed class SameSiteTests(ChromiumBrowser browser) : BrowserTest(browser)
{
    [Theory]
    //          mode                 same-site link, same-site post, cross-site link, cross-site post
    [InlineData(SameSiteMode.Lax, true, true, true, false)]
    [InlineData(SameSiteMode.Strict, true, true, false, false)]
    [InlineData(SameSiteMode.None, true, true, true, true)]
    public async Task SameSite_LinksAndFormPosts_SentAsTheModeAllows(SameSiteMode mode, bool sameSiteLink, bool sameSitePost, bool crossSiteLink, bool crossSitePost)
    {
        var app = await StartSessionAppAsync(
            TestSessions.Options(CookieSessionFormat.Connect, o =>
            {
                o.Cookie.SameSite = mode;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            }),
            https: true);
        await GoToAsync(app.HttpsUrl(Sites.A, "/login"));
        Assert.Equal(mode.ToString(), Assert.Single(await JarAsync()).SameSite.ToString());
        var whoami = app.HttpsUrl(Sites.A, "/whoami");

        Assert.Equal(sameSiteLink, await SendsCookieAsync(app.HttpsUrl(Sites.A, "/links?to=" + Uri.EscapeDataString(whoami)), "#link", "GET"));
        Assert.Equal(sameSitePost, await SendsCookieAsync(app.HttpsUrl(Sites.A, "/links?to=" + Uri.EscapeDataString(whoami)), "#post", "POST"));
        Assert.Equal(crossSiteLink, await SendsCookieAsync(app.HttpsUrl(Sites.B, "/links?to=" + Uri.EscapeDataString(whoami)), "#link", "GET"));
        Assert.Equal(crossSitePost, await SendsCookieAsync(app.HttpsUrl(Sites.B, "/links?to=" + Uri.EscapeDataString(whoami)), "#post", "POST"));

        // What was not sent was not lost: the cookie is still in the jar, and sent from A's own pages.
        Assert.Single(await JarAsync());
        Assert.Equal(SessionRoutes.User, await GoToAsync(whoami));
    }

    /// <summary>Opens <paramref name="page"/>, clicks <paramref name="selector"/>, and says whether the session came along.</summary>
    private async Task<bool> SendsCookieAsync(string page, string selector, string method)
    {
        await GoToAsync(page);
        var (response, text) = await ClickAndNavigateAsync(selector);
        Assert.Equal(method, response.Request.Method);
        Assert.StartsWith($"https://{Sites.A}:", response.Url, StringComparison.Ordinal);
        return text switch
        {
            SessionRoutes.User => true,
            SessionRoutes.Anonymous => false,
            _ => throw new InvalidOperationException("Unexpected answer: " + text),
        };
    }
}
