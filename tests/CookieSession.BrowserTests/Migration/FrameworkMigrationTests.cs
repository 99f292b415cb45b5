using System.Globalization;
using CookieSession.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CookieSession.BrowserTests.Migration;

/// <summary>
/// The migration demo end to end in Chromium with a Python or Ruby framework as the old app: a user signed in with a
/// cart on the real Rails, Flask or Django app is the same user with the same cart on the ASP.NET Core pages, a change
/// made there is what the old app shows next, and signing out on .NET signs out of the old app too. The same story as
/// the Node demo's (<see cref="MigrationDemoTests"/>), on each framework's own cookie.
/// </summary>
public abstract class FrameworkMigrationTests<TDemo>(ChromiumBrowser browser, TDemo demo) : BrowserTest(browser)
    where TDemo : MigrationDemo
{
    /// <summary>The session cookie the framework keeps, which both apps must share.</summary>
    protected abstract string CookieName { get; }

    [Fact]
    public async Task SignInOnOldApp_SameUserAndCartOnDotNet_ChangeMadeThereSeenBack()
    {
        demo.RequireOldApp();
        await Page.SetViewportSizeAsync(1100, 760);
        var screenshot = "migration-" + demo.Backend.ToLowerInvariant();

        // The old app: sign in and fill the cart.
        await SignInOnOldAppAsync("Ada Lovelace");
        await AddOnOldAppAsync("tea", expectedQty: 1);
        await AddOnOldAppAsync("tea", expectedQty: 2);
        await AddOnOldAppAsync("pen", expectedQty: 1);
        await Screenshots.SaveAsync(Page, screenshot + ".png");
        await ExpectOneSessionCookieAsync();

        // ASP.NET Core, through the same origin: the same user and cart.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Change your cart or sign out" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(demo.Url("/account"));
        await Expect(Page.GetByTestId("served-by")).ToContainTextAsync($"{demo.Backend} format");
        await Expect(Page.GetByTestId("user")).ToHaveTextAsync("Ada Lovelace");
        await Expect(Page.GetByTestId("qty-tea")).ToHaveTextAsync("2");
        await Expect(Page.GetByTestId("qty-pen")).ToHaveTextAsync("1");
        await Screenshots.SaveAsync(Page, screenshot + "-dotnet.png");

        // Changed there: the pen removed, one more tea.
        await Page.GetByTestId("remove-pen").ClickAsync();
        await Expect(Page.GetByTestId("cart-pen")).ToHaveCountAsync(0);
        await Page.GetByTestId("more-tea").ClickAsync();
        await Expect(Page.GetByTestId("qty-tea")).ToHaveTextAsync("3");
        await ExpectOneSessionCookieAsync();

        // Back on the old app: the change is there, and it keeps the session going.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Continue shopping" }).ClickAsync();
        await Expect(Page.GetByTestId("served-by")).ToContainTextAsync("Served by " + demo.Backend);
        await Expect(Page.GetByTestId("user")).ToHaveTextAsync("Ada Lovelace");
        await Expect(Page.GetByTestId("qty-tea")).ToHaveTextAsync("3");
        await Expect(Page.GetByTestId("cart-pen")).ToHaveCountAsync(0);
        await AddOnOldAppAsync("mug", expectedQty: 1);
        await Expect(Page.GetByTestId("qty-tea")).ToHaveTextAsync("3");

        await Page.GotoAsync(demo.Url("/account"));
        await Expect(Page.GetByTestId("qty-mug")).ToHaveTextAsync("1");
        await Expect(Page.GetByTestId("qty-tea")).ToHaveTextAsync("3");
    }

    [Fact]
    public async Task SignOutOnDotNet_OldAppSeesSignedOut()
    {
        demo.RequireOldApp();
        await SignInOnOldAppAsync("Grace");
        await AddOnOldAppAsync("mug", expectedQty: 1);

        await Page.GotoAsync(demo.Url("/account"));
        await Expect(Page.GetByTestId("user")).ToHaveTextAsync("Grace");
        await Page.GetByTestId("sign-out").ClickAsync();

        // Signing out sends the user to the shop, on the old app, which sees no session any more.
        await Expect(Page.GetByTestId("served-by")).ToContainTextAsync("Served by " + demo.Backend);
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("user")).ToHaveCountAsync(0);

        await Page.GotoAsync(demo.Url("/account"));
        await Expect(Page.GetByTestId("signed-out")).ToBeVisibleAsync();
    }

    private async Task SignInOnOldAppAsync(string name)
    {
        await Page.GotoAsync(demo.Url("/"));
        await Expect(Page.GetByTestId("served-by")).ToContainTextAsync("Served by " + demo.Backend);
        await Page.GetByPlaceholder("Your name").FillAsync(name);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Page.GetByTestId("user")).ToHaveTextAsync(name);
    }

    private async Task AddOnOldAppAsync(string sku, int expectedQty)
    {
        await Page.GetByTestId("add-" + sku).ClickAsync();
        await Expect(Page.GetByTestId("qty-" + sku)).ToHaveTextAsync(expectedQty.ToString(CultureInfo.InvariantCulture));
    }

    // The jar holds the framework's cookie and no other session cookie: both apps wrote the one the old app reads.
    private async Task ExpectOneSessionCookieAsync()
    {
        var cookie = Assert.Single(await JarAsync(demo.Url("/")));
        Assert.Equal(CookieName, cookie.Name);
        Assert.Equal("/", cookie.Path);
        Assert.True(cookie.HttpOnly);
    }
}

/// <summary>The story on Rails 6.1's CookieStore (<c>_shop_session</c>, AES-256-GCM) and the Rails format.</summary>
public sealed class RailsMigrationTests(ChromiumBrowser browser, RailsMigrationDemo demo)
    : FrameworkMigrationTests<RailsMigrationDemo>(browser, demo), IClassFixture<RailsMigrationDemo>
{
    protected override string CookieName => "_shop_session";
}

/// <summary>The story on Flask 2.2's signed cookie session (<c>session</c>) and the Flask format.</summary>
public sealed class FlaskMigrationTests(ChromiumBrowser browser, FlaskMigrationDemo demo)
    : FrameworkMigrationTests<FlaskMigrationDemo>(browser, demo), IClassFixture<FlaskMigrationDemo>
{
    protected override string CookieName => "session";
}

/// <summary>The story on Django 3.2's signed_cookies backend (<c>sessionid</c>) and the Django format.</summary>
public sealed class DjangoMigrationTests(ChromiumBrowser browser, DjangoMigrationDemo demo)
    : FrameworkMigrationTests<DjangoMigrationDemo>(browser, demo), IClassFixture<DjangoMigrationDemo>
{
    protected override string CookieName => "sessionid";
}
