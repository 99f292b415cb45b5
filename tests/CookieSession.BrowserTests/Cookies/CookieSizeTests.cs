using CookieSession.BrowserTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace CookieSession.BrowserTests.Cookies;

/// <summary>
/// The browser's 4096-byte limit: what Chromium does with a larger cookie (drops it, silently), and what the
/// library does instead (refuses, loudly, a session larger than its format can write).
/// </summary>
public sealed class CookieSizeTests(ChromiumBrowser browser) : BrowserTest(browser)
{
    [Fact]
    public async Task RawSetCookie_NameAndValueOver4096Bytes_ChromiumDropsItSilently()
    {
        var app = await StartAppAsync(_ => { }, app =>
        {
            app.MapGet("/raw", (HttpContext context) =>
            {
                // Name and value together: 4096 bytes fit, 4097 do not (RFC 6265bis, as Chromium enforces it).
                context.Response.Headers.Append("Set-Cookie", "fits=" + new string('v', 4096 - "fits".Length) + "; path=/");
                context.Response.Headers.Append("Set-Cookie", "over=" + new string('v', 4097 - "over".Length) + "; path=/");
                return "sent both";
            });
            app.MapSessionRoutes();
        });

        var response = await Page.GotoAsync(app.Url(Sites.A, "/raw"));

        Assert.Equal(200, response!.Status);
        Assert.Equal(2, (await response.HeadersArrayAsync()).Count(h => h.Name.Equals("set-cookie", StringComparison.OrdinalIgnoreCase)));
        var cookie = Assert.Single(await JarAsync());
        Assert.Equal("fits", cookie.Name);
        Assert.Equal(4096 - "fits".Length, cookie.Value.Length);
        Assert.Equal("fits", await GoToAsync(app.Url(Sites.A, "/cookies")));
    }

    [Theory]
    [InlineData(CookieSessionFormat.Connect, 5_000)]
    [InlineData(CookieSessionFormat.ExpressCookieSession, 5_000)]
    [InlineData(CookieSessionFormat.Protected, 9_000)] // over MaxChunkedSize (7680) once encrypted
    [InlineData(CookieSessionFormat.IronSession, 20_000)] // over iron-session's four chunks once sealed
    public async Task Session_LargerThanTheFormatCanWrite_RefusedLoudlyAndTheStoredSessionKept(CookieSessionFormat format, int size)
    {
        var app = await StartSessionAppAsync(TestSessions.Options(format));
        await GoToAsync(app.Url(Sites.A, "/login"));
        var before = await JarSnapshotAsync();

        // The app's answer is a 500, as for any unhandled exception, instead of a 200 whose cookie the browser would
        // drop. It is empty, so Chromium fails the navigation and shows an error page of its own: in a page of the
        // same jar that is then closed, so that the error page does not cut into the navigations that follow.
        var url = app.Url(Sites.A, $"/big?size={size}");
        var failing = await Context.NewPageAsync();
        var response = await failing.RunAndWaitForResponseAsync(
            async () =>
            {
                var error = await Assert.ThrowsAsync<PlaywrightException>(() => failing.GotoAsync(url));
                Assert.Contains("ERR_HTTP_RESPONSE_CODE_FAILURE", error.Message, StringComparison.Ordinal);
            },
            url);
        Assert.Equal(500, response.Status);
        await failing.CloseAsync();
        // Thrown as the response started (Kestrel reports it as the application's), and logged by the library.
        var logs = app.Logs.GetSnapshot();
        Assert.Contains(logs, r => r.Exception is CookieSessionTooLargeException { Size: > 4096 } e && e.CookieName == TestSessions.CookieName(format));
        Assert.Contains(logs, r => r.Id.Name == "CookieTooLarge" && r.Level == LogLevel.Error);

        // Nothing was stored: the jar holds what it held, and the session the server reads is the one before.
        Assert.Equal(before, await JarSnapshotAsync());
        Assert.Equal("none", await GoToAsync(app.Url(Sites.A, "/big/read")));
        Assert.Equal(SessionRoutes.User, await GoToAsync(app.Url(Sites.A, "/whoami")));
    }

    private async Task<string> JarSnapshotAsync()
        => string.Join("\n", (await JarAsync()).Select(c => $"{c.Name}={c.Value}").Order(StringComparer.Ordinal));
}
