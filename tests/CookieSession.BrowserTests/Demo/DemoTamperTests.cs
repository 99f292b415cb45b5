using CookieSession.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace CookieSession.BrowserTests.Demo;

/// <summary>The tamper button: one character of the cookie changed, and the library's reason for refusing it shown.</summary>
public sealed class DemoTamperTests(ChromiumBrowser browser, DemoApps demos) : DemoTest(browser, demos)
{
    [Theory]
    [InlineData(CookieSessionFormat.Connect, "bad_signature")]
    [InlineData(CookieSessionFormat.ExpressCookieSession, "bad_signature")]
    [InlineData(CookieSessionFormat.Protected, "undecryptable")]
    [InlineData(CookieSessionFormat.IronSession, "bad_signature")]
    public async Task Tamper_OneCharacterChanged_RejectedWithTheLibrarysReasonAndSignedOut(CookieSessionFormat format, string reason)
    {
        await OpenAsync(format);
        await SignInAsync("Ada", remember: false);
        await AddToCartAsync("oatmeal");
        await Page.ClickAsync("a[href='/cookie']");
        await Expect(Page.Locator(".verdict")).ToContainTextAsync("Accepted.");
        var before = (await SessionCookieAsync()).Value;

        await Page.ClickAsync("form[action='/tamper'] button");

        await Expect(Page.Locator(".banner.rejected")).ToHaveAttributeAsync("data-rejection", reason);
        await Expect(Page.Locator(".banner.rejected h2")).ToContainTextAsync(reason);
        await Expect(Page.Locator(".verdict.bad")).ToContainTextAsync("Rejected");
        await Expect(Page.Locator(".who")).ToHaveTextAsync("Not signed in");
        Assert.Equal(0, await CartCountAsync());
        await Expect(Page.Locator(".session-json")).ToHaveTextAsync("{}");

        // The browser holds the cookie with exactly one character changed: the one the page marks.
        var after = (await SessionCookiesAsync()).Single(c => c.Name == (format == CookieSessionFormat.Protected && before.StartsWith("chunks-", StringComparison.Ordinal) ? Demo.CookieName + "C1" : Demo.CookieName)).Value;
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.Single(changed);
        await Expect(Page.Locator("pre.raw mark")).ToHaveTextAsync(after[changed[0]].ToString());
        if (format == CookieSessionFormat.Connect)
        {
            await DemoScreenshots.SaveAsync(Page, "demo-tampered.png");
        }

        // The shop starts a new, anonymous session over the refused cookie.
        await Page.ClickAsync("nav a[href='/']");
        await Expect(Page.Locator(".banner.rejected")).ToHaveAttributeAsync("data-rejection", reason);
        await Page.ReloadAsync();
        await Expect(Page.Locator(".banner")).ToHaveCountAsync(0);
        Assert.Equal(["visits"], (await SessionAsync()).Select(p => p.Key));
    }
}
