using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CookieSession.BrowserTests.Infrastructure;

/// <summary>
/// The base of a browser test: a fresh browser context (an empty cookie jar) and a page in it, and the apps the
/// test starts, all disposed when the test ends.
/// </summary>
public abstract class BrowserTest(ChromiumBrowser browser) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private IBrowserContext? _context;
    private IPage? _page;

    /// <summary>The browser of the run.</summary>
    protected ChromiumBrowser Browser => browser;

    /// <summary>This test's browser context: its own cookie jar.</summary>
    protected IBrowserContext Context => _context ?? throw new InvalidOperationException("The context is made when the test starts.");

    /// <summary>A page of <see cref="Context"/>.</summary>
    protected IPage Page => _page ?? throw new InvalidOperationException("The page is made when the test starts.");

    public async ValueTask InitializeAsync()
    {
        browser.RequireChromium();
        _context = await browser.NewContextAsync();
        _page = await _context.NewPageAsync();
    }

    /// <summary>Starts an app for this test (see <see cref="TestApp.StartAsync"/>), stopped when the test ends.</summary>
    protected async Task<TestApp> StartAppAsync(Action<IServiceCollection> configureServices, Action<WebApplication> configureApp, bool https = false)
    {
        var app = await TestApp.StartAsync(configureServices, configureApp, https);
        _owned.Add(app);
        return app;
    }

    /// <summary>
    /// Starts an app whose session is configured by <paramref name="configure"/>, in front of
    /// <see cref="SessionRoutes"/>.
    /// </summary>
    protected Task<TestApp> StartSessionAppAsync(Action<CookieSessionOptions> configure, bool https = false)
        => StartAppAsync(
            services => services.AddCookieSession(configure),
            app =>
            {
                app.UseCookieSession();
                app.MapSessionRoutes();
            },
            https);

    /// <summary>Loads <paramref name="url"/> in <see cref="Page"/> and returns the text of the response body.</summary>
    protected async Task<string> GoToAsync(string url)
    {
        var response = await Page.GotoAsync(url) ?? throw new InvalidOperationException("No response for " + url);
        return await response.TextAsync();
    }

    /// <summary>
    /// Clicks <paramref name="selector"/> and returns the response of the navigation it starts, and its text, once
    /// the page has committed to it.
    /// </summary>
    protected async Task<(IResponse Response, string Text)> ClickAndNavigateAsync(string selector)
    {
        var response = await Page.RunAndWaitForResponseAsync(
            () => Page.ClickAsync(selector),
            r => r.Request.IsNavigationRequest && r.Frame == Page.MainFrame);
        var text = await response.TextAsync();

        // Not the load event: a wait for it that starts after the new page loaded can miss it. The commit of the
        // URL is enough for the next navigation not to cut into this one.
        await Page.WaitForURLAsync(response.Url, new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        return (response, text);
    }

    /// <summary>The cookies of the jar that <paramref name="url"/> would get (or all of them).</summary>
    protected async Task<IReadOnlyList<BrowserContextCookiesResult>> JarAsync(string? url = null)
        => url is null ? await Context.CookiesAsync() : await Context.CookiesAsync([url]);

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }

        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
