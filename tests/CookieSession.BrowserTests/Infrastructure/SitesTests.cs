using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CookieSession.BrowserTests.Infrastructure;

/// <summary>What every other test relies on: the two host names reach the test app and are two sites to Chromium.</summary>
public sealed class SitesTests(ChromiumBrowser browser) : BrowserTest(browser)
{
    [Fact]
    public async Task HostNames_ReachTheLoopbackAppAsTwoCookieDomains()
    {
        var app = await StartAppAsync(_ => { }, app =>
        {
            app.MapGet("/set", (HttpContext context) =>
            {
                context.Response.Cookies.Append("where", context.Request.Host.Host);
                return "set";
            });
            app.MapGet("/host", (HttpContext context) => context.Request.Host.Host + " " + (context.Request.Cookies["where"] ?? "no cookie"));
        });

        Assert.Equal("set", await GoToAsync(app.Url(Sites.A, "/set")));
        Assert.Equal($"{Sites.A} {Sites.A}", await GoToAsync(app.Url(Sites.A, "/host")));
        Assert.Equal($"{Sites.B} no cookie", await GoToAsync(app.Url(Sites.B, "/host")));

        var cookie = Assert.Single(await JarAsync());
        Assert.Equal(Sites.A, cookie.Domain);
    }

    [Fact]
    public async Task HttpsEndpoint_ServesTheTestCertificateUnderEitherSite()
    {
        var app = await StartAppAsync(_ => { }, app => app.MapGet("/", (HttpContext context) => context.Request.IsHttps ? "tls" : "plain"), https: true);

        Assert.Equal("tls", await GoToAsync(app.HttpsUrl(Sites.A, "/")));
        Assert.Equal("tls", await GoToAsync(app.HttpsUrl(Sites.B, "/")));
        Assert.Equal("plain", await GoToAsync(app.Url(Sites.A, "/")));
        Assert.True(await Page.EvaluateAsync<bool>("() => !window.isSecureContext"), "a plain HTTP page of a .test site must not be a secure context, as localhost would be");
    }
}
