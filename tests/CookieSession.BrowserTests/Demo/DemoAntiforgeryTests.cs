using CookieSession.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace CookieSession.BrowserTests.Demo;

/// <summary>Every form of the demo needs its antiforgery token: without one it is refused and the session is untouched.</summary>
public sealed class DemoAntiforgeryTests(ChromiumBrowser browser, DemoApps demos) : DemoTest(browser, demos)
{
    public static TheoryData<CookieSessionFormat, string, string> Forms => new()
    {
        { CookieSessionFormat.Connect, "/cart/add", "sku=matcha" },
        { CookieSessionFormat.Connect, "/cart/remove", "sku=oatmeal" },
        { CookieSessionFormat.Connect, "/cart/empty", "" },
        { CookieSessionFormat.Connect, "/signout", "" },
        { CookieSessionFormat.Connect, "/signin", "name=Mallory" },
        { CookieSessionFormat.Connect, "/tamper", "" },
        { CookieSessionFormat.Protected, "/cart/add", "sku=matcha" },
        { CookieSessionFormat.Protected, "/signout", "" },
        { CookieSessionFormat.Protected, "/tamper", "" },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Post_WithoutToken_RefusedWith400AndSessionUnchanged(CookieSessionFormat format, string path, string field)
    {
        await OpenAsync(format);
        await SignInAsync("Ada", remember: false);
        await AddToCartAsync("oatmeal");
        var before = await SessionCookiesAsync();
        var session = (await SessionAsync()).ToJsonString();

        var fields = field.Length == 0 ? [] : new[] { (field.Split('=')[0], field.Split('=')[1]) };
        var withoutToken = await PostAsync(path, fields);
        var badToken = await PostAsync(path, [.. fields, ("__RequestVerificationToken", "CfDJ8-not-a-token")]);

        foreach (var response in new[] { withoutToken, badToken })
        {
            Assert.Equal(400, response.Status);
            Assert.Contains("Form refused", response.Body, StringComparison.Ordinal);
        }

        // No Set-Cookie changed the session's cookies, and the server reads the same session.
        Assert.Equal(before.Select(c => (c.Name, c.Value, c.Expires)), (await SessionCookiesAsync()).Select(c => (c.Name, c.Value, c.Expires)));
        Assert.Equal(session, (await SessionAsync()).ToJsonString());
    }

    [Fact]
    public async Task Post_WithThePagesToken_Accepted()
    {
        await OpenAsync(CookieSessionFormat.Connect);
        var token = await Page.Locator("form[action='/cart/add'] input[name='__RequestVerificationToken']").First.GetAttributeAsync("value");

        var response = await PostAsync("/cart/add", ("sku", "matcha"), ("__RequestVerificationToken", token!));

        Assert.True(response.Redirected);
        Assert.Equal("""{"matcha":1}""", (await SessionAsync())["cart"]!.ToJsonString());
    }

    [Fact]
    public async Task RefusedForm_ShowsTheErrorPageStillSignedIn()
    {
        await OpenAsync(CookieSessionFormat.Connect);
        await SignInAsync("Ada", remember: false);

        // A copy of the page whose token no longer matches: the browser posts it as it is.
        await Page.EvaluateAsync("() => document.querySelectorAll(\"input[name='__RequestVerificationToken']\").forEach(i => i.value = 'stale')");
        await Page.ClickAsync("form[action='/signout'] button");

        await Expect(Page.Locator("h1")).ToHaveTextAsync("400 · Form refused");
        await Expect(Page.Locator(".who")).ToContainTextAsync("Ada");
    }
}
