using System.Net;
using System.Text.RegularExpressions;

namespace CookieSession.BrowserTests.Demo;

/// <summary>
/// The tamper button posted with a session cookie the browser holds but the demo never wrote (one edited by hand):
/// plain HTTP requests, no browser.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed partial class DemoTamperRequestTests(DemoApps demos)
{
    [Theory]
    [InlineData("a b c")]
    [InlineData("ab,cd")]
    [InlineData("s:j:{\"a\":\"b\"}.x")]
    public async Task Tamper_CookieValueNoSetCookieCanCarry_RedirectsToTheInspectorWithoutFailingOrLoggingIt(string value)
    {
        var demo = await demos.GetAsync(CookieSessionFormat.Connect);
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false });
        var sessionCookie = $"{CookieSessionDefaults.CookieName}={value}";

        // The inspector's page, as the browser gets it with that cookie: its form's token and the antiforgery cookie.
        var cancel = TestContext.Current.CancellationToken;
        using var page = await client.SendAsync(Get(demo.LoopbackUrl("/cookie"), sessionCookie), cancel);
        page.EnsureSuccessStatusCode();
        var token = Token().Match(await page.Content.ReadAsStringAsync(cancel)).Groups[1].Value;
        var antiforgery = page.Headers.GetValues("Set-Cookie").Select(h => h.Split(';')[0]).Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.NotEmpty(token);

        using var tamper = new HttpRequestMessage(HttpMethod.Post, demo.LoopbackUrl("/tamper"))
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token))]),
        };
        tamper.Headers.Add("Cookie", $"{sessionCookie}; {antiforgery}");
        using var response = await client.SendAsync(tamper, cancel);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/cookie", response.Headers.Location?.OriginalString);
        Assert.DoesNotContain(value, demo.Output(), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Get(Uri url, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", cookie);
        return request;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]*)\"")]
    private static partial Regex Token();
}
