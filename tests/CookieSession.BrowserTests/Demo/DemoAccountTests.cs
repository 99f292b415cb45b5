using CookieSession.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace CookieSession.BrowserTests.Demo;

/// <summary>Signing in and out of the demo, with and without "remember me", as the browser's jar sees it.</summary>
public sealed class DemoAccountTests(ChromiumBrowser browser, DemoApps demos) : DemoTest(browser, demos)
{
    [Theory]
    [InlineData(CookieSessionFormat.Connect, 30)]
    [InlineData(CookieSessionFormat.ExpressCookieSession, 30)]
    [InlineData(CookieSessionFormat.Protected, 7)] // capped at what the server accepts: IdleTimeout, 7 days
    public async Task SignIn_RememberMe_CookieIsPersistentAndStaysSoOnLaterPages(CookieSessionFormat format, int days)
    {
        await OpenAsync(format);

        await SignInAsync("Ada", remember: true);
        var first = await SessionCookiesAsync();
        await Page.ReloadAsync();
        await Expect(Page.Locator(".account .signed-in")).ToContainTextAsync("Ada");
        var later = await SessionCookiesAsync();

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.NotEmpty(first);
        foreach (var cookie in first.Concat(later))
        {
            Assert.InRange(cookie.Expires, now + TimeSpan.FromDays(days - 1).TotalSeconds, now + TimeSpan.FromDays(days + 1).TotalSeconds);
        }

        // The page changed the session (a visit), so the browser holds a new cookie, still remembered.
        Assert.NotEqual((await SessionCookieAsync()).Value, first.Single(c => c.Name == Demo.CookieName).Value);
        Assert.Equal(true, (bool?)(await SessionAsync())["remember"]);
        await Expect(Page.Locator(".remembered")).ToBeVisibleAsync();
    }

    [Theory]
    [InlineData(CookieSessionFormat.Connect)]
    [InlineData(CookieSessionFormat.Protected)]
    public async Task SignIn_WithoutRememberMe_CookieEndsWithTheBrowserSession(CookieSessionFormat format)
    {
        await OpenAsync(format);

        await SignInAsync("Grace", remember: false);

        var cookie = await SessionCookieAsync();
        Assert.Equal(-1, cookie.Expires);
        Assert.Equal("Grace", (string?)(await SessionAsync())["user"]);
    }

    [Theory]
    [InlineData(CookieSessionFormat.Connect)]
    [InlineData(CookieSessionFormat.Protected)]
    public async Task SignOut_DeletesTheCookieWithTheWholeSession(CookieSessionFormat format)
    {
        await OpenAsync(format);
        await SignInAsync("Ada", remember: true);
        await AddToCartAsync("oatmeal");

        var signOut = await Page.RunAndWaitForResponseAsync(
            () => Page.ClickAsync("form[action='/signout'] button"),
            response => response.Url.EndsWith("/signout", StringComparison.Ordinal));
        await Expect(Page.Locator(".who")).ToHaveTextAsync("Not signed in");

        // The sign-out answer deletes the cookie: empty, expired in 1970.
        var deletion = Assert.Single(
            (await signOut.HeaderValuesAsync("set-cookie")).SelectMany(h => h.Split('\n')),
            h => h.StartsWith(Demo.CookieName + "=", StringComparison.Ordinal));
        Assert.StartsWith(Demo.CookieName + "=;", deletion, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", deletion, StringComparison.OrdinalIgnoreCase);

        // The shop it lands on starts a new session: a browser-session cookie holding one visit, nothing else.
        Assert.Equal(0, await CartCountAsync());
        Assert.Equal(-1, (await SessionCookieAsync()).Expires);
        Assert.Equal(["visits"], (await SessionAsync()).Select(p => p.Key));
    }
}
