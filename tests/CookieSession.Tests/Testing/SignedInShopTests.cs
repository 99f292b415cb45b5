extern alias MvcSample;
extern alias RazorPagesSample;

using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CookieSession.Tests.Interop;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CookieSession.Tests.Testing;

/// <summary>The MVC sample's shop under <see cref="WebApplicationFactory{TEntryPoint}"/>: its cart actions take an <see cref="ICookieSession"/> parameter.</summary>
public sealed class MvcShopTests(WebApplicationFactory<MvcSample::Program> factory)
    : SignedInShopTests<MvcSample::Program>(factory), IClassFixture<WebApplicationFactory<MvcSample::Program>>;

/// <summary>The Razor Pages sample's shop under <see cref="WebApplicationFactory{TEntryPoint}"/>: its cart handlers take an <see cref="ICookieSession"/> parameter.</summary>
public sealed class RazorPagesShopTests(WebApplicationFactory<RazorPagesSample::Program> factory)
    : SignedInShopTests<RazorPagesSample::Program>(factory), IClassFixture<WebApplicationFactory<RazorPagesSample::Program>>;

/// <summary>
/// A sample shop in each format, as an app tests itself: a client starts signed in with a cookie the app's
/// <see cref="ICookieSessionCodec"/> makes, posts the page's forms with their antiforgery token as a browser does, and
/// reads the session a response set through the same codec.
/// </summary>
public abstract partial class SignedInShopTests<TEntryPoint>(WebApplicationFactory<TEntryPoint> factory)
    where TEntryPoint : class
{
    public static TheoryData<CookieSessionFormat> Formats =>
    [
        CookieSessionFormat.Connect,
        CookieSessionFormat.ExpressCookieSession,
        CookieSessionFormat.Protected,
        CookieSessionFormat.IronSession,
    ];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Index_ClientSignedInThroughTheCodec_ShowsTheName(CookieSessionFormat format)
    {
        var app = App(format);
        using var browser = SignedIn(app, new JsonObject { ["user"] = "Ada" });

        var page = await browser.GetAsync(app.Server.BaseAddress, "/");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Signed in as <b id=\"user\">Ada</b>", page.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task AddToCart_FormPostedWithItsToken_CartSavedThroughTheSessionParameter(CookieSessionFormat format)
    {
        var app = App(format);
        using var browser = SignedIn(app, new JsonObject { ["user"] = "Ada", ["cart"] = new JsonObject { ["oatmeal"] = 1 } });

        var session = await SubmitAsync(app, browser, "<li class=\"product\" data-sku=\"choc-chip\">", "choc-chip");

        Assert.Equal("Ada", session["user"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["oatmeal"] = 1, ["choc-chip"] = 1 }, session["cart"]), "cart: " + session["cart"]?.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task RemoveFromCart_LastOne_CartLeavesTheSessionAndTheUserStays(CookieSessionFormat format)
    {
        var app = App(format);
        using var browser = SignedIn(app, new JsonObject { ["user"] = "Ada", ["cart"] = new JsonObject { ["oatmeal"] = 1 } });

        var session = await SubmitAsync(app, browser, "<tr data-sku=\"oatmeal\">", "oatmeal");

        Assert.Equal("Ada", session["user"]!.GetValue<string>());
        Assert.False(session.ContainsKey("cart"));
    }

    /// <summary>The sample in <paramref name="format"/>, disposed with the class fixture it derives from.</summary>
    private WebApplicationFactory<TEntryPoint> App(CookieSessionFormat format)
    {
        var app = factory.WithWebHostBuilder(b => b.UseSetting("CookieSession:Format", format.ToString()));

        // The setting reached the app: otherwise every case would run in the default format.
        Assert.Equal(format, app.Services.GetRequiredService<IOptions<CookieSessionOptions>>().Value.Format);
        return app;
    }

    /// <summary>A browser on <paramref name="app"/> whose cookie jar holds <paramref name="session"/>, made by the app's codec.</summary>
    private static Browser SignedIn(WebApplicationFactory<TEntryPoint> app, JsonObject session)
    {
        var browser = new Browser(app.Server.CreateHandler());
        browser.AddCookies(app.Services.GetRequiredService<ICookieSessionCodec>().CreateCookieHeader(session));
        return browser;
    }

    /// <summary>
    /// Opens the shop, posts the first form after <paramref name="marker"/> with its SKU and the page's antiforgery token,
    /// and reads the session the response set (before the redirect it answers with) through the app's codec.
    /// </summary>
    private static async Task<JsonObject> SubmitAsync(WebApplicationFactory<TEntryPoint> app, Browser browser, string marker, string sku)
    {
        var page = await browser.GetAsync(app.Server.BaseAddress, "/");
        var at = page.Body.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, "not on the page: " + marker);
        var action = WebUtility.HtmlDecode(FormAction().Match(page.Body, at).Groups[1].Value);
        var token = WebUtility.HtmlDecode(AntiforgeryToken().Match(page.Body).Groups[1].Value);

        var response = await browser.PostFormAsync(app.Server.BaseAddress, action, new Dictionary<string, string>
        {
            ["sku"] = sku,
            ["__RequestVerificationToken"] = token,
        });
        var session = app.Services.GetRequiredService<ICookieSessionCodec>().ReadSetCookieHeaders(response.SetCookies);

        Assert.Equal(HttpStatusCode.Redirect, response.Status);
        Assert.NotNull(session);
        return session;
    }

    [GeneratedRegex("<form [^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"__RequestVerificationToken\" [^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
