using System.Globalization;
using System.Text;
using CookieSession.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace CookieSession.BrowserTests.Demo;

/// <summary>The cookie inspector: the cookie the browser holds, its size, and its parts as each format defines them.</summary>
public sealed class DemoInspectorTests(ChromiumBrowser browser, DemoApps demos) : DemoTest(browser, demos)
{
    [Theory]
    [InlineData(CookieSessionFormat.Connect, "Connect", new[] { "prefix", "payload", "signature" })]
    [InlineData(CookieSessionFormat.ExpressCookieSession, "Express cookie-session", new[] { "session", "decoded", "session.sig" })]
    [InlineData(CookieSessionFormat.Protected, "Protected", new[] { "version", "data key", "nonce", "ciphertext", "tag" })]
    [InlineData(CookieSessionFormat.IronSession, "iron-session", new[] { "prefix", "password id", "encryption salt", "iv", "ciphertext", "expiration", "HMAC salt", "HMAC", "suffix" })]
    public async Task Inspector_SignedInWithCart_ShowsTheCookieTheBrowserHoldsPartByPart(CookieSessionFormat format, string formatName, string[] parts)
    {
        await OpenAsync(format);
        await SignInAsync("Ada", remember: true);
        await AddToCartAsync("choc-chip");
        await AddToCartAsync("matcha");

        // What the browser holds, and so sends to the inspector (whose answer may carry a new cookie: a remembered
        // session asks for its Max-Age on every answer, and the Protected format encrypts anew each time).
        var jar = await SessionCookiesAsync();
        await Page.ClickAsync("a[href='/cookie']");
        await Expect(Page.Locator(".verdict")).ToContainTextAsync("Accepted.");

        // The size is name=value of each of the session's cookies, as sent.
        var size = jar.Sum(c => Encoding.UTF8.GetByteCount(c.Name) + 1 + Encoding.UTF8.GetByteCount(c.Value));
        await Expect(Page.Locator(".total-size")).ToHaveTextAsync(size.ToString(CultureInfo.InvariantCulture));
        foreach (var cookie in jar)
        {
            await Expect(Page.Locator("pre.raw", new() { HasText = cookie.Name + "=" + cookie.Value })).ToHaveCountAsync(1);
        }

        Assert.Equal(parts, await Page.Locator(".part .label").AllInnerTextsAsync());
        await Expect(Page.Locator(".format-pill b")).ToHaveTextAsync(formatName);
        await Expect(Page.Locator("#formats tr.current th")).ToContainTextAsync(formatName);
        await Expect(Page.Locator(".session-json")).ToContainTextAsync("\"user\": \"Ada\"");

        // The signed formats carry the session readable; the encrypted ones do not.
        var readable = format is CookieSessionFormat.Connect or CookieSessionFormat.ExpressCookieSession;
        await Expect(Page.Locator(".parts pre.json")).ToHaveCountAsync(readable ? 1 : 0);
        Assert.Equal(readable, (await Page.Locator(".parts").InnerTextAsync()).Contains("\"Ada\"", StringComparison.Ordinal));

        if (format is CookieSessionFormat.Connect or CookieSessionFormat.Protected)
        {
            await DemoScreenshots.SaveAsync(Page, $"demo-cookie-{format.ToString().ToLowerInvariant()}.png");
        }
    }

    [Fact]
    public async Task Inspector_NoCookieYet_SaysSo()
    {
        await UseDemoAsync(CookieSessionFormat.Connect);

        await Page.GotoAsync(Demo.Url("/cookie"));

        await Expect(Page.Locator(".verdict.none")).ToContainTextAsync("No session cookie.");
        await Expect(Page.Locator("form[action='/tamper']")).ToHaveCountAsync(0);
        Assert.Empty(await SessionCookiesAsync());
    }
}
