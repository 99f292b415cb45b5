using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CookieSession.Tests.Session;

/// <summary>What the commit decides as the response starts: one outcome, logged once.</summary>
public sealed class SessionCommitTests
{
    private const string UserSession = "{\"user\":\"ana\"}";

    private static readonly RequestDelegate s_readUser = async context =>
        await context.Response.WriteAsync(context.GetCookieSession().Get<string>("user") ?? "anonymous");

    [Fact]
    public async Task Rolling_RequestThatNeverUsesTheSession_IsLeftAlone()
    {
        // A static file or health check under the cookie path: no verify, no re-sign, its caching kept.
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                context.Response.Headers.CacheControl = "public, max-age=600";
                await context.Response.WriteAsync("static");
            },
            o =>
            {
                o.Rolling = true;
                o.Cookie.MaxAge = TimeSpan.FromMinutes(20);
            });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(UserSession));

        Assert.Empty(transaction.SetCookies);
        Assert.True(transaction.Response.Headers.CacheControl!.Public);
        Assert.Null(transaction.Header(HeaderNames.Vary));
        Assert.Empty(host.LogsOf("CookieRejected"));
    }

    [Fact]
    public async Task Rolling_RequestThatReadsTheSession_ResendsIt()
    {
        await using var host = await SessionTestHost.StartAsync(s_readUser, o =>
        {
            o.Rolling = true;
            o.Cookie.MaxAge = TimeSpan.FromMinutes(20);
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(UserSession));

        Assert.Equal(UserSession, TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Fact]
    public async Task CookieChange_OnUnchangedSession_WritesTheCookie()
    {
        // "Remember me" on a session that already holds the user.
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.GetCookieSession().Cookie.MaxAge = TimeSpan.FromDays(30);
            await context.Response.WriteAsync("remembered");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(UserSession));

        var cookie = transaction.SessionCookie()!;
        Assert.Equal(TimeSpan.FromDays(30), cookie.MaxAge);
        Assert.Equal(UserSession, TestSigning.JsonOf(cookie.Value.Value!));
        Assert.Single(host.LogsOf("SetCookie"));
    }

    [Fact]
    public async Task CookieSettingsReadButNotChanged_OnUnchangedSession_WritesNothing()
    {
        await using var host = await SessionTestHost.StartAsync(
            async context => await context.Response.WriteAsync(context.GetCookieSession().Cookie.Path),
            o => o.Cookie.MaxAge = TimeSpan.FromDays(1));

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(UserSession));

        Assert.Equal("/", transaction.Body);
        Assert.Empty(transaction.SetCookies);
        Assert.Single(host.LogsOf("UnmodifiedSession"));
    }

    [Fact]
    public async Task CookieSetBackToTheOptionsValue_OnUnchangedSession_WritesNothing()
    {
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                context.GetCookieSession().Cookie.MaxAge = TimeSpan.FromDays(1);
                await context.Response.WriteAsync("same");
            },
            o => o.Cookie.MaxAge = TimeSpan.FromDays(1));

        Assert.Empty((await host.SendAsync(cookie: TestSigning.SessionCookie(UserSession))).SetCookies);
    }

    [Theory]
    [InlineData("max-value")]
    [InlineData("negative")]
    [InlineData("zero")]
    [InlineData("over 400 days")]
    public async Task PerResponseMaxAge_OutOfRange_ThrowsInTheHandler(string which)
    {
        var value = which switch
        {
            "max-value" => TimeSpan.MaxValue,
            "negative" => TimeSpan.FromSeconds(-1),
            "zero" => TimeSpan.Zero,
            _ => TimeSpan.FromDays(401),
        };
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Set("n", 1);
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => session.Cookie.MaxAge = value);
            await context.Response.WriteAsync(error.ParamName!);
        });

        var transaction = await host.SendAsync();

        // The handler's mistake is refused where it is made; the session is still written, with the default.
        Assert.Equal("value", transaction.Body);
        Assert.Null(transaction.SessionCookie()!.MaxAge);
    }

    [Theory]
    [InlineData("/admin; domain=evil.com", null)]
    [InlineData("/a\r\nSet-Cookie: x=y", null)]
    [InlineData("admin", null)]
    [InlineData("/é", null)]
    [InlineData(null, "example.com; secure")]
    [InlineData(null, "example.com\r\nX: y")]
    [InlineData(null, "ex ample.com")]
    public async Task PerResponsePathOrDomain_ThatCouldSplitTheHeader_ThrowsInTheHandler(string? path, string? domain)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var cookie = context.GetCookieSession().Cookie;
            var error = path is not null
                ? Assert.Throws<ArgumentException>(() => cookie.Path = path)
                : Assert.Throws<ArgumentException>(() => cookie.Domain = domain);
            context.GetCookieSession().Set("n", 1);
            await context.Response.WriteAsync(error.ParamName!);
        });

        var transaction = await host.SendAsync();

        Assert.Equal("value", transaction.Body);
        var header = Assert.Single(transaction.SetCookieHeaders);
        Assert.DoesNotContain("evil", header, StringComparison.Ordinal);
        Assert.Equal("/", transaction.SessionCookie()!.Path.Value);
    }

    [Fact]
    public async Task Clear_SecureAlwaysOverPlainHttp_SendsNoDeleteLikeItSendsNoWrite()
    {
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                context.ClearCookieSession();
                await context.Response.WriteAsync("cleared");
            },
            o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);

        var plain = await host.SendAsync("http://localhost/", TestSigning.SessionCookie(UserSession));
        var tls = await host.SendAsync("https://localhost/", TestSigning.SessionCookie(UserSession));

        Assert.Empty(plain.SetCookies);
        Assert.Single(host.LogsOf("NotSecured"));
        var deleted = tls.SessionCookie()!;
        Assert.True(deleted.Secure);
        Assert.Equal(DateTimeOffset.UnixEpoch, deleted.Expires);
    }

    [Fact]
    public async Task Outcome_IsLoggedOnce()
    {
        await using var host = await SessionTestHost.StartAsync(Handlers.Store("user", "ana"));

        var written = await host.SendAsync();
        await host.SendAsync(cookie: written.CookieToSend());

        var outcomes = host.Logs.GetSnapshot().Where(r => r.Id.Name is "SetCookie" or "UnmodifiedSession" or "SessionCleared" or "NotSecured").Select(r => r.Id.Name);
        Assert.Equal(["SetCookie", "UnmodifiedSession"], outcomes);
    }

    [Fact]
    public async Task Use_FirstTouchAfterResponseStarted_ReadsButCannotChange()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            await context.Response.WriteAsync("started;");
            var session = context.GetCookieSession();
            var user = session.Get<string>("user");
            var error = Assert.Throws<InvalidOperationException>(() => session.Set("user", "eve"));
            await context.Response.WriteAsync(user + ";" + error.GetType().Name);
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(UserSession));

        Assert.Equal("started;ana;InvalidOperationException", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }
}
