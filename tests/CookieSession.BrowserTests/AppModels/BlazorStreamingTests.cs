using CookieSession.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace CookieSession.BrowserTests.AppModels;

/// <summary>
/// The Blazor sample's streaming page (<c>[StreamRendering]</c>): the session cookie leaves with the first render,
/// so a change made before it is saved and one made after it throws the library's InvalidOperationException.
/// </summary>
public sealed class BlazorStreamingTests(ChromiumBrowser browser, SampleApps samples) : SampleAppTest(browser, samples)
{
    [Theory]
    [InlineData(CookieSessionFormat.Connect)]
    [InlineData(CookieSessionFormat.IronSession)]
    public async Task Streaming_ChangeBeforeFirstRenderSaved_ChangeAfterItRefused(CookieSessionFormat format)
    {
        await OpenAsync(SampleApps.Blazor, format, "/streaming");

        await Expect(Page.Locator("#after")).ToContainTextAsync("The session cannot be changed after the response has started");
        await Expect(Page.Locator("#before")).ToContainTextAsync("Visit 1,");

        await Page.ReloadAsync();
        await Expect(Page.Locator("#before")).ToContainTextAsync("Visit 2,");
        await Expect(Page.Locator("#after")).ToContainTextAsync("The session cannot be changed after the response has started");
    }
}
