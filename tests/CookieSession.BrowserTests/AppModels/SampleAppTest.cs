using CookieSession.BrowserTests.Demo;
using CookieSession.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace CookieSession.BrowserTests.AppModels;

/// <summary>
/// The base of the app-model samples' tests: a running sample (<see cref="SampleApps"/>) and the steps a visitor
/// takes in its shop, the same markup in all three: a sign-in form, products with an Add button, a cart table with
/// a Remove button per line, and a flash message (<c>#flash</c>) after each form.
/// </summary>
[Collection(SampleAppsCollection.Name)]
public abstract class SampleAppTest(ChromiumBrowser browser, SampleApps samples) : BrowserTest(browser)
{
    private DemoApp? _app;

    /// <summary>The sample this test opened.</summary>
    protected DemoApp App => _app ?? throw new InvalidOperationException("Call OpenAsync first.");

    /// <summary>Starts (or reuses) <paramref name="sample"/> in <paramref name="format"/> and opens <paramref name="path"/>.</summary>
    protected async Task OpenAsync(string sample, CookieSessionFormat format, string path = "/")
    {
        _app = await samples.GetAsync(sample, format);
        var response = await Page.GotoAsync(App.Url(path));
        Assert.True(response is { Ok: true }, $"{sample} answered {response?.Status} for {path}. Its output:\n{App.Output()}");
    }

    protected async Task SignInAsync(string name)
    {
        await Page.FillAsync("#name", name);
        await Page.ClickAsync("#signin button");
        await Expect(Page.Locator("#user")).ToHaveTextAsync(name);
    }

    protected async Task AddToCartAsync(string sku)
    {
        var before = await CartCountAsync();
        await Page.ClickAsync($".product[data-sku='{sku}'] button");
        await Expect(Page.Locator("#cart-count")).ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    protected async Task RemoveOneFromCartAsync(string sku)
    {
        var before = await CartCountAsync();
        await Page.ClickAsync($"#cart tr[data-sku='{sku}'] button");
        await Expect(Page.Locator("#cart-count")).ToHaveTextAsync((before - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    protected async Task<int> CartCountAsync()
        => int.Parse(await Page.Locator("#cart-count").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The session cookie's value in the jar, or null when there is none.</summary>
    protected async Task<string?> SessionCookieValueAsync()
        => (await JarAsync()).SingleOrDefault(c => c.Name == App.CookieName)?.Value;
}
