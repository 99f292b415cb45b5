using CookieSession.BrowserTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.BrowserTests.Formats;

/// <summary>
/// The Protected format's idle and absolute lifetimes, enforced by the server on what the browser sends back:
/// the server's clock is a <see cref="FakeTimeProvider"/> the test moves; the cookie stays a browser-session
/// cookie, so the browser itself never drops it.
/// </summary>
public sealed class ProtectedTimeoutTests(ChromiumBrowser browser) : BrowserTest(browser)
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private Task<TestApp> StartAsync(TimeSpan? absolute = null) => StartSessionAppAsync(TestSessions.Options(CookieSessionFormat.Protected, o =>
    {
        o.IdleTimeout = Idle;
        o.AbsoluteTimeout = absolute;
        o.TimeProvider = _time;
    }));

    [Fact]
    public async Task IdleTimeout_UsedPastHalfTheIdleTime_BrowserGetsARenewedCookie()
    {
        var app = await StartAsync();
        await GoToAsync(app.Url(Sites.A, "/login"));
        var issued = await SessionCookieValueAsync();

        // Before half the idle time: the session is read, and the cookie is not written again.
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(SessionRoutes.User, await GoToAsync(app.Url(Sites.A, "/whoami")));
        Assert.Equal(issued, await SessionCookieValueAsync());

        // Past half: the same session, in a new cookie that the browser now holds instead.
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(SessionRoutes.User, await GoToAsync(app.Url(Sites.A, "/whoami")));
        var renewed = await SessionCookieValueAsync();
        Assert.NotEqual(issued, renewed);

        // Its idle time counts from the renewal: 19 minutes on (30 after the login) it is still valid.
        _time.Advance(TimeSpan.FromMinutes(19));
        Assert.Equal(SessionRoutes.User, await GoToAsync(app.Url(Sites.A, "/whoami")));
    }

    [Fact]
    public async Task IdleTimeout_Exceeded_NewEmptySession()
    {
        var app = await StartAsync();
        await GoToAsync(app.Url(Sites.A, "/login"));

        _time.Advance(Idle + TimeSpan.FromSeconds(1));

        // The browser still sends the cookie; the server refuses it and starts a new, empty session.
        Assert.Equal(TestSessions.CookieName(CookieSessionFormat.Protected), await GoToAsync(app.Url(Sites.A, "/cookies")));
        Assert.Equal(SessionRoutes.Anonymous, await GoToAsync(app.Url(Sites.A, "/whoami")));
        Assert.Equal($"{SessionRoutes.Anonymous} 1", await GoToAsync(app.Url(Sites.A, "/visit")));
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Name == "CookieRejected" && r.Message.Contains("IdleExpired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AbsoluteTimeout_ActiveUser_EndsTheSessionAnyway()
    {
        var app = await StartAsync(absolute: TimeSpan.FromMinutes(45));
        await GoToAsync(app.Url(Sites.A, "/login"));
        var value = await SessionCookieValueAsync();

        // Active every 11 minutes: each request is past half the idle time, so each renews the cookie.
        for (var minutes = 11; minutes <= 44; minutes += 11)
        {
            _time.Advance(TimeSpan.FromMinutes(11));
            Assert.Equal(SessionRoutes.User, await GoToAsync(app.Url(Sites.A, "/whoami")));
            var renewed = await SessionCookieValueAsync();
            Assert.NotEqual(value, renewed);
            value = renewed;
        }

        // 46 minutes after the login, 2 after the last renewal: the absolute lifetime is over.
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(SessionRoutes.Anonymous, await GoToAsync(app.Url(Sites.A, "/whoami")));
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Id.Name == "CookieRejected" && r.Message.Contains("AbsoluteExpired", StringComparison.Ordinal));
    }

    private async Task<string> SessionCookieValueAsync()
        => Assert.Single(await JarAsync(), c => c.Name == TestSessions.CookieName(CookieSessionFormat.Protected)).Value;
}
