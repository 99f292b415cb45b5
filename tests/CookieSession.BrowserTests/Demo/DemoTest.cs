using System.Text.Json;
using System.Text.Json.Nodes;
using CookieSession.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CookieSession.BrowserTests.Demo;

/// <summary>
/// The base of the demo's tests: a running demo (<see cref="DemoApps"/>), and the steps a visitor takes in it, each
/// done through the page as a person would (typing, ticking, clicking) and finished when the next page is shown.
/// </summary>
[Collection(DemoCollection.Name)]
public abstract class DemoTest(ChromiumBrowser browser, DemoApps demos) : BrowserTest(browser)
{
    private DemoApp? _demo;

    /// <summary>The demo this test started with <see cref="OpenAsync"/>.</summary>
    protected DemoApp Demo => _demo ?? throw new InvalidOperationException("Call OpenAsync first.");

    /// <summary>Starts (or reuses) the demo in <paramref name="format"/>, without visiting it.</summary>
    protected async Task UseDemoAsync(CookieSessionFormat format)
    {
        _demo = await demos.GetAsync(format);
        await Page.SetViewportSizeAsync(1280, 800);
    }

    /// <summary>Starts (or reuses) the demo in <paramref name="format"/> and opens its shop.</summary>
    protected async Task OpenAsync(CookieSessionFormat format)
    {
        await UseDemoAsync(format);
        await Page.GotoAsync(Demo.Url("/"));
        await Expect(Page.Locator("h1")).ToHaveTextAsync("A session that lives in a cookie");
    }

    protected async Task SignInAsync(string name, bool remember)
    {
        await Page.FillAsync("#name", name);
        if (remember)
        {
            await Page.CheckAsync("input[name=remember]");
        }

        await Page.ClickAsync("form[action='/signin'] button");
        await Expect(Page.Locator(".account .signed-in")).ToContainTextAsync(name);
    }

    protected async Task AddToCartAsync(string sku)
    {
        var before = await CartCountAsync();
        await Page.ClickAsync($".product[data-sku='{sku}'] button");
        await Expect(Page.Locator(".cart-pill b")).ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    protected async Task<int> CartCountAsync() => int.Parse(await Page.Locator(".cart-pill b").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The session's cookies in the jar: the cookie, its signature or its chunks; never the antiforgery cookie.</summary>
    protected async Task<IReadOnlyList<BrowserContextCookiesResult>> SessionCookiesAsync()
        => (await JarAsync()).Where(c => c.Name == Demo.CookieName || c.Name.StartsWith(Demo.CookieName + ".", StringComparison.Ordinal)
            || (Demo.Format == CookieSessionFormat.Protected && c.Name.StartsWith(Demo.CookieName + "C", StringComparison.Ordinal))).ToList();

    /// <summary>The session cookie itself (the one that carries the session, not a signature or chunk).</summary>
    protected async Task<BrowserContextCookiesResult> SessionCookieAsync()
        => Assert.Single(await SessionCookiesAsync(), c => c.Name == Demo.CookieName);

    /// <summary>
    /// The session as the server reads it from the jar's cookie now, through the demo's <c>/session.json</c>, fetched by
    /// the page (Chromium resolves the test sites; Playwright's own request client would not).
    /// </summary>
    protected async Task<JsonObject> SessionAsync()
    {
        var text = await Page.EvaluateAsync<string>(
            "async url => { const r = await fetch(url); if (!r.ok) throw new Error('session.json: ' + r.status); return await r.text(); }",
            Demo.Url("/session.json"));
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Posts a form from the page with <c>fetch</c>, with the jar's cookies, following no redirect.</summary>
    protected async Task<PostResult> PostAsync(string path, params (string Name, string Value)[] fields)
    {
        var result = await Page.EvaluateAsync<JsonElement>(
            """
            async ([url, fields]) => {
              const r = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
              return { status: r.status, redirected: r.type === 'opaqueredirect', body: await r.text() };
            }
            """,
            new object[] { Demo.Url(path), fields.Select(f => new[] { f.Name, f.Value }).ToArray() });
        return new PostResult(result.GetProperty("status").GetInt32(), result.GetProperty("redirected").GetBoolean(), result.GetProperty("body").GetString()!);
    }

    /// <summary>What a <see cref="PostAsync"/> got: a redirect (the form was taken) or a status and its page.</summary>
    protected sealed record PostResult(int Status, bool Redirected, string Body);
}
