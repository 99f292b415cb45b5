using CookieSession.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace CookieSession.BrowserTests.Demo;

/// <summary>The demo's cart and flash messages: kept in the cookie from page to page, the messages shown once.</summary>
public sealed class DemoCartTests(ChromiumBrowser browser, DemoApps demos) : DemoTest(browser, demos)
{
    [Theory]
    [InlineData(CookieSessionFormat.Connect)]
    [InlineData(CookieSessionFormat.ExpressCookieSession)]
    [InlineData(CookieSessionFormat.Protected)]
    [InlineData(CookieSessionFormat.IronSession)]
    public async Task Cart_AddedItems_ShownAfterReloadAndCountedDown(CookieSessionFormat format)
    {
        await OpenAsync(format);
        await SignInAsync("Ada", remember: false);

        await AddToCartAsync("choc-chip");
        await AddToCartAsync("choc-chip");
        await AddToCartAsync("matcha");
        if (format == CookieSessionFormat.Connect)
        {
            await DemoScreenshots.SaveAsync(Page, "demo-shop.png");
        }

        await Page.ReloadAsync();
        await Expect(Page.Locator("#cart tr[data-sku='choc-chip'] .quantity")).ToHaveTextAsync("2");
        await Expect(Page.Locator("#cart tr[data-sku='matcha'] .quantity")).ToHaveTextAsync("1");
        await Expect(Page.Locator("#cart .total .amount")).ToHaveTextAsync("$8.00");

        await Page.ClickAsync("#cart tr[data-sku='choc-chip'] form[action='/cart/remove'] button");
        await Expect(Page.Locator("#cart tr[data-sku='choc-chip'] .quantity")).ToHaveTextAsync("1");
        Assert.Equal("""{"choc-chip":1,"matcha":1}""", (await SessionAsync())["cart"]!.ToJsonString());
    }

    [Theory]
    [InlineData(CookieSessionFormat.Connect)]
    [InlineData(CookieSessionFormat.Protected)]
    public async Task Flash_ShownOnceThenRemovedFromTheSession(CookieSessionFormat format)
    {
        await OpenAsync(format);

        await AddToCartAsync("oatmeal");
        await Expect(Page.Locator(".flash.success")).ToContainTextAsync("Added one Oatmeal raisin to your cart.");

        await Page.ReloadAsync();
        await Expect(Page.Locator(".cart-pill b")).ToHaveTextAsync("1");
        await Expect(Page.Locator(".flash")).ToHaveCountAsync(0);
        Assert.False((await SessionAsync()).ContainsKey("flash"));
    }

    [Fact]
    public async Task Cart_EmptyButton_RemovesTheCartAndSaysSo()
    {
        await OpenAsync(CookieSessionFormat.Connect);
        await AddToCartAsync("snickerdoodle");

        await Page.ClickAsync("form[action='/cart/empty'] button");

        await Expect(Page.Locator(".flash.info")).ToContainTextAsync("Your cart is empty.");
        Assert.Equal(0, await CartCountAsync());
        Assert.False((await SessionAsync()).ContainsKey("cart"));
    }
}
