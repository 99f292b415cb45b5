using CookieSession.BrowserTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.BrowserTests.Cookies;

/// <summary>
/// A session inside a cross-site iframe: a page of site B embeds site A's <c>/visit</c>, which counts visits in
/// the session. With <c>Partitioned</c> (CHIPS) the iframe keeps a session of its own, keyed to the top-level
/// site B; without it Chromium, as these tests launch it (a fresh context, its default settings), treats the
/// cookie as a third-party cookie and blocks it, so the iframe starts over on every load.
/// </summary>
public sealed class PartitionedTests(ChromiumBrowser browser) : BrowserTest(browser)
{
    private static Action<CookieSessionOptions> CrossSite(bool partitioned) => TestSessions.Options(CookieSessionFormat.Connect, o =>
    {
        o.Cookie.SameSite = SameSiteMode.None;
        o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        o.Partitioned = partitioned;
    });

    [Fact]
    public async Task Partitioned_CrossSiteIframe_KeepsASessionKeyedToTheTopLevelSite()
    {
        var app = await StartSessionAppAsync(CrossSite(partitioned: true), https: true);
        var embedding = app.HttpsUrl(Sites.B, "/frame?src=" + Uri.EscapeDataString(app.HttpsUrl(Sites.A, "/visit")));

        Assert.Equal($"{SessionRoutes.Anonymous} 1", await FrameTextAsync(embedding));
        Assert.Equal($"{SessionRoutes.Anonymous} 2", await FrameTextAsync(embedding));

        var cookie = Assert.Single(await JarAsync());
        Assert.Equal(Sites.A, cookie.Domain);
        Assert.Equal("https://" + Sites.B, cookie.PartitionKey);

        // Site A visited directly is another partition: the iframe's cookie is not sent, and A's own is partitioned by A.
        Assert.Equal(string.Empty, await GoToAsync(app.HttpsUrl(Sites.A, "/cookies")));
        Assert.Equal($"{SessionRoutes.Anonymous} 1", await GoToAsync(app.HttpsUrl(Sites.A, "/visit")));
        Assert.Equal(
            ["https://" + Sites.A, "https://" + Sites.B],
            (await JarAsync()).Select(c => c.PartitionKey).Order(StringComparer.Ordinal));

        // And the iframe's session went on untouched by it.
        Assert.Equal($"{SessionRoutes.Anonymous} 3", await FrameTextAsync(embedding));
    }

    [Fact]
    public async Task Unpartitioned_CrossSiteIframe_ChromiumBlocksTheThirdPartyCookie()
    {
        var app = await StartSessionAppAsync(CrossSite(partitioned: false), https: true);
        var embedding = app.HttpsUrl(Sites.B, "/frame?src=" + Uri.EscapeDataString(app.HttpsUrl(Sites.A, "/visit")));

        Assert.Equal($"{SessionRoutes.Anonymous} 1", await FrameTextAsync(embedding));
        Assert.Equal($"{SessionRoutes.Anonymous} 1", await FrameTextAsync(embedding));
        Assert.Empty(await JarAsync());

        // A session site A set at top level is not sent to its iframe either.
        await GoToAsync(app.HttpsUrl(Sites.A, "/login"));
        var cookie = Assert.Single(await JarAsync());
        Assert.Null(cookie.PartitionKey);
        Assert.Equal($"{SessionRoutes.Anonymous} 1", await FrameTextAsync(embedding));
        Assert.Equal($"{SessionRoutes.User} 1", await GoToAsync(app.HttpsUrl(Sites.A, "/visit")));
    }

    /// <summary>Loads <paramref name="embedding"/> and returns the text of its iframe.</summary>
    private async Task<string> FrameTextAsync(string embedding)
    {
        await GoToAsync(embedding);
        return await Page.FrameLocator("iframe").Locator("body").InnerTextAsync();
    }
}
