using CookieSession.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace CookieSession.BrowserTests.AppModels;

/// <summary>
/// The MVC, Razor Pages and Blazor samples' shops in Chromium: signing in, a flash message shown once after a
/// redirect (TempData in the session for MVC and Razor Pages, a session entry for Blazor), a cart kept in the session.
/// </summary>
public sealed class SampleShopTests(ChromiumBrowser browser, SampleApps samples) : SampleAppTest(browser, samples)
{
    public static TheoryData<string, CookieSessionFormat> SamplesAndFormats()
    {
        var data = new TheoryData<string, CookieSessionFormat>();
        foreach (var sample in new[] { SampleApps.Mvc, SampleApps.RazorPages, SampleApps.Blazor })
        {
            data.Add(sample, CookieSessionFormat.Connect);
            data.Add(sample, CookieSessionFormat.Protected);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SamplesAndFormats))]
    public async Task SignIn_FlashShownOnceThenGoneOnReload(string sample, CookieSessionFormat format)
    {
        await OpenAsync(sample, format);

        await SignInAsync("Ada");
        await Expect(Page.Locator("#flash")).ToHaveTextAsync("Welcome, Ada.");

        await Page.ReloadAsync();
        await Expect(Page.Locator("#user")).ToHaveTextAsync("Ada");
        await Expect(Page.Locator("#flash")).ToHaveCountAsync(0);
        Assert.NotNull(await SessionCookieValueAsync());
    }

    [Theory]
    [MemberData(nameof(SamplesAndFormats))]
    public async Task Cart_AddAndRemove_KeptAcrossReloads(string sample, CookieSessionFormat format)
    {
        await OpenAsync(sample, format);

        await AddToCartAsync("choc-chip");
        await Expect(Page.Locator("#flash")).ToHaveTextAsync("Added one Chocolate chip to your cart.");
        await AddToCartAsync("choc-chip");
        await AddToCartAsync("matcha");
        await RemoveOneFromCartAsync("choc-chip");
        await Expect(Page.Locator("#flash")).ToHaveTextAsync("Removed one Chocolate chip from your cart.");

        await Page.ReloadAsync();
        await Expect(Page.Locator("#flash")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#cart tr[data-sku='choc-chip'] .quantity")).ToHaveTextAsync("1");
        await Expect(Page.Locator("#cart tr[data-sku='matcha'] .quantity")).ToHaveTextAsync("1");
    }

    [Theory]
    [InlineData(SampleApps.Mvc)]
    [InlineData(SampleApps.RazorPages)]
    [InlineData(SampleApps.Blazor)]
    public async Task SignOut_EmptiesTheCartAndSaysSo(string sample)
    {
        await OpenAsync(sample, CookieSessionFormat.Connect);
        await SignInAsync("Grace");
        await AddToCartAsync("oatmeal");

        await Page.ClickAsync("#signout button");

        await Expect(Page.Locator("#flash")).ToHaveTextAsync("Signed out.");
        await Expect(Page.Locator("#signin")).ToBeVisibleAsync();
        Assert.Equal(0, await CartCountAsync());
    }
}
