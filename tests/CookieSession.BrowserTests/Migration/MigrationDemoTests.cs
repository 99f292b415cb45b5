using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CookieSession.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CookieSession.BrowserTests.Migration;

/// <summary>
/// The migration demo end to end in Chromium, through its front door: a user signed in on the Node app (Express 3,
/// Connect's cookieSession) is the same user with the same cart on the ASP.NET Core app, a change made on one side
/// is what the other side shows, and signing out on one signs out of both.
/// </summary>
public sealed class MigrationDemoTests(ChromiumBrowser browser, MigrationDemo demo) : BrowserTest(browser), IClassFixture<MigrationDemo>
{
    [Fact]
    public async Task SignInOnNode_SameUserAndCartOnDotNet_ChangeMadeThereSeenOnNode()
    {
        demo.RequireOldApp();
        await Page.SetViewportSizeAsync(1100, 760);

        // Node: sign in and fill the cart.
        await SignInOnNodeAsync("Ada Lovelace");
        await AddOnNodeAsync("tea", expectedQty: 1);
        await AddOnNodeAsync("tea", expectedQty: 2);
        await AddOnNodeAsync("pen", expectedQty: 1);
        await Expect(Page.GetByTestId("served-by")).ToContainTextAsync("Node.js");
        await Screenshots.SaveAsync(Page, "migration-node.png");

        // ASP.NET Core, through the same origin: the same user and cart.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Change your cart or sign out" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(demo.Url("/account"));
        await Expect(Page.GetByTestId("served-by")).ToContainTextAsync("ASP.NET Core");
        await Expect(Page.GetByTestId("user")).ToHaveTextAsync("Ada Lovelace");
        await Expect(Page.GetByTestId("qty-tea")).ToHaveTextAsync("2");
        await Expect(Page.GetByTestId("qty-pen")).ToHaveTextAsync("1");
        await Screenshots.SaveAsync(Page, "migration-dotnet.png");

        // Changed there: the pen removed, one more tea.
        await Page.GetByTestId("remove-pen").ClickAsync();
        await Expect(Page.GetByTestId("cart-pen")).ToHaveCountAsync(0);
        await Page.GetByTestId("more-tea").ClickAsync();
        await Expect(Page.GetByTestId("qty-tea")).ToHaveTextAsync("3");

        // Back on Node: the change is there.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Continue shopping" }).ClickAsync();
        await Expect(Page.GetByTestId("served-by")).ToContainTextAsync("Node.js");
        await Expect(Page.GetByTestId("user")).ToHaveTextAsync("Ada Lovelace");
        await Expect(Page.GetByTestId("qty-tea")).ToHaveTextAsync("3");
        await Expect(Page.GetByTestId("cart-pen")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task SignOutOnDotNet_NodeSeesSignedOut()
    {
        demo.RequireOldApp();
        await SignInOnNodeAsync("Grace");
        await AddOnNodeAsync("mug", expectedQty: 1);

        await Page.GotoAsync(demo.Url("/account"));
        await Expect(Page.GetByTestId("user")).ToHaveTextAsync("Grace");
        await Page.GetByTestId("sign-out").ClickAsync();

        // Signing out sends the user to the shop, on Node, which sees no session any more.
        await Expect(Page.GetByTestId("served-by")).ToContainTextAsync("Node.js");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("user")).ToHaveCountAsync(0);
        // .NET deleted the cookie; Connect's cookieSession then gives the new visitor an empty session, as it always has.
        var session = await SessionCookieAsync();
        Assert.Empty(session);

        await Page.GotoAsync(demo.Url("/account"));
        await Expect(Page.GetByTestId("signed-out")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SessionCookie_WrittenByEitherApp_IsConnectsSignedJson()
    {
        demo.RequireOldApp();
        await SignInOnNodeAsync("Ada");
        await AddOnNodeAsync("notebook", expectedQty: 1);

        var written = await SessionCookieAsync();
        Assert.Equal("Ada", written["user"]?["name"]?.GetValue<string>());
        Assert.Equal(1, written["cart"]?[0]?["qty"]?.GetValue<int>());

        await Page.GotoAsync(demo.Url("/account"));
        await Page.GetByTestId("more-notebook").ClickAsync();
        await Expect(Page.GetByTestId("qty-notebook")).ToHaveTextAsync("2");

        var rewritten = await SessionCookieAsync();
        Assert.Equal("Ada", rewritten["user"]?["name"]?.GetValue<string>());
        Assert.Equal(2, rewritten["cart"]?[0]?["qty"]?.GetValue<int>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    public async Task CartPost_NotAForm_RefusedWith400(string? contentType)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, demo.LoopbackUrl("/account/cart"));
        if (contentType is not null)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, contentType);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Incorrect Content-Type", demo.Output(), StringComparison.Ordinal);
    }

    private async Task SignInOnNodeAsync(string name)
    {
        await Page.GotoAsync(demo.Url("/"));
        await Expect(Page.GetByTestId("served-by")).ToContainTextAsync("Node.js");
        await Page.GetByPlaceholder("Your name").FillAsync(name);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Page.GetByTestId("user")).ToHaveTextAsync(name);
    }

    private async Task AddOnNodeAsync(string sku, int expectedQty)
    {
        await Page.GetByTestId("add-" + sku).ClickAsync();
        await Expect(Page.GetByTestId("qty-" + sku)).ToHaveTextAsync(expectedQty.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The session cookie in the jar, checked to be Connect's: named connect.sess, path /, HttpOnly, its value
    /// "s:j:" + JSON + "." + the HMAC-SHA256 of "j:" + JSON under the demo's secret (unpadded base64), percent-encoded
    /// as both cookie serializers write it. Returns the JSON.
    /// </summary>
    private async Task<JsonObject> SessionCookieAsync()
    {
        var cookie = Assert.Single(await JarAsync(demo.Url("/")), c => c.Name == "connect.sess");
        Assert.Equal("/", cookie.Path);
        Assert.True(cookie.HttpOnly);
        Assert.StartsWith("s%3Aj%3A", cookie.Value, StringComparison.Ordinal);

        var value = Uri.UnescapeDataString(cookie.Value);
        var dot = value.LastIndexOf('.');
        var payload = value[2..dot];
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(demo.Secret), Encoding.UTF8.GetBytes(payload))).TrimEnd('=');
        Assert.Equal(signature, value[(dot + 1)..]);
        return Assert.IsType<JsonObject>(JsonNode.Parse(payload["j:".Length..]));
    }
}
