using System.Net;
using System.Net.Sockets;
using System.Text;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CookieSession.Tests.Formats.Connect;

/// <summary>The 22 cases of Connect's own test/cookieSession.js, one test each, as they hold here.</summary>
public sealed class ConnectCompatibilityTests
{
    private static readonly RequestDelegate s_setFoo = Handlers.Store("foo", "bar");

    private static readonly RequestDelegate s_counter = async context =>
    {
        var session = context.GetCookieSession();
        var count = session.Get<int>("count");
        session.Set("count", count + 1);
        await context.Response.WriteAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    };

    [Fact]
    public async Task Case01_NoSecret_FailsAtStartupNamingTheOption()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => SessionTestHost.StartAsync(s_setFoo, configure: null, services: null, withDefaultSecret: false));
        Assert.Contains("CookieSessionOptions.Secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Case02_DefaultCookie_IsBrowserSessionCookie()
    {
        await using var host = await SessionTestHost.StartAsync(s_setFoo);
        var cookie = (await host.SendAsync()).SessionCookie();
        Assert.NotNull(cookie);
        Assert.Null(cookie.Expires);
        Assert.Null(cookie.MaxAge);
    }

    [Fact]
    public async Task Case03_Json_PersistsAcrossRequests()
    {
        await using var host = await SessionTestHost.StartAsync(s_counter);
        var first = await host.SendAsync();
        var second = await host.SendAsync(cookie: first.CookieToSend());
        Assert.Equal("0", first.Body);
        Assert.Equal("1", second.Body);
    }

    [Fact]
    public async Task Case04_SessionSetToNull_SendsExpiredCookieAndLeavesTheRestAlone()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.ClearCookieSession();
            context.Response.Headers["X-Other"] = "kept";
            await context.Response.WriteAsync("done");
        });

        var transaction = await host.SendAsync();

        var header = Assert.Single(transaction.SetCookieHeaders);
        var cookie = Assert.Single(transaction.SetCookies);
        Assert.Equal("connect.sess", cookie.Name.Value);
        Assert.Equal(string.Empty, cookie.Value.Value);
        Assert.Equal("/", cookie.Path.Value);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(DateTimeOffset.UnixEpoch, cookie.Expires);
        Assert.Contains("expires=Thu, 01 Jan 1970 00:00:00 GMT", header, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("kept", transaction.Header("X-Other"));
        Assert.Equal("done", transaction.Body);
    }

    [Fact]
    public async Task Case05_CorruptedCookie_GivesEmptySessionAndFreshCookie()
    {
        await using var host = await SessionTestHost.StartAsync(s_counter);
        var first = await host.SendAsync();
        var corrupted = first.CookieToSend().Replace("%7B", "%7C", StringComparison.Ordinal);

        var second = await host.SendAsync(cookie: corrupted);

        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal("0", second.Body);
        Assert.NotNull(second.SessionCookie());
    }

    [Fact]
    public async Task Case06_CookieObject_ExistsWithPathAndHttpOnly()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Set("foo", "bar");
            await context.Response.WriteAsync(session.Cookie is null ? "missing" : "present");
        });

        var transaction = await host.SendAsync();
        var cookie = transaction.SessionCookie();

        Assert.Equal("present", transaction.Body);
        Assert.NotNull(cookie);
        Assert.Equal("/", cookie.Path.Value);
        Assert.True(cookie.HttpOnly);
    }

    [Fact]
    public async Task Case07_HandlerChangesCookie_ChangesThisResponse()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Cookie.Path = "/admin";
            session.Cookie.HttpOnly = false;
            session.Set("foo", "bar");
            await context.Response.WriteAsync("ok");
        });

        var cookie = (await host.SendAsync()).SessionCookie();

        Assert.NotNull(cookie);
        Assert.Equal("/admin", cookie.Path.Value);
        Assert.False(cookie.HttpOnly);
    }

    [Fact]
    public async Task Case08_CookieObject_ExistsOnParsedSession()
    {
        await using var host = await SessionTestHost.StartAsync(ReportParsedCookie);
        var first = await host.SendAsync();
        var second = await host.SendAsync(cookie: first.CookieToSend());
        Assert.Equal("new, cookie /", first.Body);
        Assert.Equal("parsed, cookie /", second.Body);
    }

    [Fact]
    public async Task Case09_CookieParserSecretMode_CookieObjectExistsOnParsedSession()
    {
        await using var host = await StartInCookieParserModeAsync(ReportParsedCookie);
        var first = await host.SendAsync();
        var second = await host.SendAsync(cookie: first.CookieToSend());
        Assert.Equal("new, cookie /", first.Body);
        Assert.Equal("parsed, cookie /", second.Body);
    }

    [Fact]
    public async Task Case10_CookieOptions_OverrideDefaults()
    {
        await using var host = await SessionTestHost.StartAsync(s_setFoo, o => o.Cookie.HttpOnly = false);
        var cookie = (await host.SendAsync()).SessionCookie();
        Assert.NotNull(cookie);
        Assert.False(cookie.HttpOnly);
        Assert.Equal("/", cookie.Path.Value);
    }

    [Fact]
    public async Task Case11_ModifiedEachRequest_SetsCookieEachResponse()
    {
        await using var host = await SessionTestHost.StartAsync(s_counter);
        var cookie = (string?)null;
        for (var i = 0; i < 3; i++)
        {
            var transaction = await host.SendAsync(cookie: cookie);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), transaction.Body);
            cookie = transaction.CookieToSend();
        }
    }

    [Fact]
    public async Task Case12_Unmodified_SetsCookieOnlyWhenChanged()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            if (context.Request.Query.ContainsKey("change"))
            {
                session.Set("foo", "changed");
            }
            else if (session.Get<string>("foo") is null)
            {
                session.Set("foo", "bar");
            }

            await context.Response.WriteAsync(session.Get<string>("foo")!);
        });

        var first = await host.SendAsync();
        var cookie = first.CookieToSend();
        var second = await host.SendAsync(cookie: cookie);
        var third = await host.SendAsync(cookie: cookie);
        var changed = await host.SendAsync("/?change=1", cookie: cookie);

        Assert.NotNull(first.SessionCookie());
        Assert.Null(second.SessionCookie());
        Assert.Null(third.SessionCookie());
        Assert.Equal("bar", third.Body);
        Assert.NotNull(changed.SessionCookie());
        Assert.Equal("changed", changed.Body);
    }

    [Fact]
    public async Task Case13_PathMismatch_SetsNoCookie()
    {
        await using var host = await SessionTestHost.StartAsync(s_setFoo, o => o.Cookie.Path = "/admin");
        var transaction = await host.SendAsync("/");
        Assert.Equal(HttpStatusCode.OK, transaction.Status);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Case14_PathMatch_SetsCookie()
    {
        await using var host = await SessionTestHost.StartAsync(s_setFoo, o => o.Cookie.Path = "/admin");
        var cookie = (await host.SendAsync("/admin/foo")).SessionCookie();
        Assert.NotNull(cookie);
        Assert.Equal("/admin", cookie.Path.Value);
    }

    [Fact]
    public async Task Case15_SecureCookieOverPlainHttp_SetsNoCookie()
    {
        await using var host = await SessionTestHost.StartAsync(s_setFoo, o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        var transaction = await host.SendAsync();
        Assert.Empty(transaction.SetCookies);
        Assert.Single(host.LogsOf("NotSecured"));
    }

    [Theory]
    [InlineData("https", true)]        // case 16
    [InlineData("https, http", true)]  // case 17
    [InlineData("http, https", false)] // case 18
    public async Task Case16to18_TrustedProxy_FirstForwardedProtoDecides(string forwardedProto, bool expectCookie)
    {
        await using var host = await SessionTestHost.StartAsync(s_setFoo, o =>
        {
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.TrustProxy = true;
        });

        var transaction = await host.SendAsync(configure: r => r.Headers.Add("X-Forwarded-Proto", forwardedProto));

        Assert.Equal(expectCookie, transaction.SessionCookie() is not null);
        if (expectCookie)
        {
            Assert.True(transaction.SessionCookie()!.Secure);
        }
    }

    [Fact]
    public async Task Case19_UntrustedProxy_ForwardedProtoIgnored()
    {
        await using var host = await SessionTestHost.StartAsync(s_setFoo, o => o.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        var transaction = await host.SendAsync(configure: r => r.Headers.Add("X-Forwarded-Proto", "https"));
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Case20_CookieParserSecretMode_ComparesLikeNormalMode()
    {
        await using var host = await StartInCookieParserModeAsync(s_setFoo);
        var first = await host.SendAsync();
        var second = await host.SendAsync(cookie: first.CookieToSend());
        Assert.NotNull(first.SessionCookie());
        Assert.Null(second.SessionCookie());
        Assert.Single(host.LogsOf("UnmodifiedSession"));
    }

    [Fact]
    public async Task Case21_AbsoluteFormUrlOutsidePath_SetsNoCookie()
    {
        var response = await SendAbsoluteFormAsync("http://example.com");
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.DoesNotContain("Set-Cookie", response, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Case22_AbsoluteFormUrlInsidePath_SetsCookie()
    {
        var response = await SendAbsoluteFormAsync("http://example.com/admin/foo");
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains("Set-Cookie: connect.sess=s%3Aj%3A", response, StringComparison.Ordinal);
        Assert.Contains("path=/admin", response, StringComparison.Ordinal);
    }

    private static async Task ReportParsedCookie(HttpContext context)
    {
        var session = context.GetCookieSession();
        var isNew = session.IsNew;
        session.Set("visits", session.Get<int>("visits") + 1);
        await context.Response.WriteAsync($"{(isNew ? "new" : "parsed")}, cookie {session.Cookie.Path}");
    }

    private static Task<SessionTestHost> StartInCookieParserModeAsync(RequestDelegate handler)
        => SessionTestHost.StartAsync(
            handler,
            configure: null,
            services: s => s.AddSignedCookies(o => o.Secret = SessionTestHost.Secret),
            withDefaultSecret: false);

    /// <summary>
    /// Sends an absolute-form request target ("GET http://host/path") to a real Kestrel on loopback, as a
    /// proxy would; the in-memory server cannot express one.
    /// </summary>
    private static async Task<string> SendAbsoluteFormAsync(string target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddCookieSession(o =>
        {
            o.Secret = SessionTestHost.Secret;
            o.Cookie.Path = "/admin";
        });
        await using var app = builder.Build();
        app.UseCookieSession();
        app.Run(s_setFoo);
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        var request = $"GET {target} HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var response = await reader.ReadToEndAsync();
        await app.StopAsync();
        return response;
    }
}
