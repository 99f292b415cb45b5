using CookieSession.Tests.Formats.Protected;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Session;

/// <summary>
/// <see cref="CookieSessionOptions.OnValidateSession"/> runs on every request that carries a session: reading the
/// session there is not a use of it (no renewal, no caching headers), but a change or a rejection is written.
/// </summary>
public sealed class ValidationHookTests
{
    /// <summary>Stores "user" on /login and sets nothing else; any other request caches publicly and never touches the session.</summary>
    private static readonly RequestDelegate s_loginOrAsset = async context =>
    {
        if (context.Request.Path == "/login")
        {
            context.GetCookieSession().Set("user", "ana");
        }
        else
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
        }

        await context.Response.WriteAsync("ok");
    };

    private static readonly Func<CookieSessionValidationContext, Task> s_readUser = context =>
    {
        _ = context.Session.Get<string>("user");
        return Task.CompletedTask;
    };

    [Fact]
    public async Task OnValidateSession_ReadOnly_RollingSendsNoCookieAndKeepsCacheControl()
    {
        await using var host = await SessionTestHost.StartAsync(s_loginOrAsset, o =>
        {
            o.Rolling = true;
            o.OnValidateSession = s_readUser;
        });
        var jar = new CookieJar();
        await jar.SendAsync(host, "/login");

        var asset = await jar.SendAsync(host, "/site.css");

        Assert.Empty(asset.SetCookieHeaders);
        Assert.Equal("public, max-age=3600", asset.Header("Cache-Control"));
    }

    [Fact]
    public async Task OnValidateSession_ReadOnlyPastHalfTheIdleTime_ProtectedRenewsNothing()
    {
        await using var host = await ProtectedHost.StartAsync(s_loginOrAsset, o =>
        {
            o.IdleTimeout = TimeSpan.FromMinutes(20);
            o.OnValidateSession = s_readUser;
        });
        var cookie = (await host.SendAsync("/login")).CookieToSend(CookieSessionDefaults.ProtectedCookieName);
        host.Time.Advance(TimeSpan.FromMinutes(11));

        var asset = await host.SendAsync("/site.css", cookie);

        Assert.True(asset.SetCookieHeaders.Count == 0, $"Set-Cookie: {string.Join(" | ", asset.SetCookieHeaders)}; Cache-Control: {asset.Header("Cache-Control")}; Vary: {asset.Header("Vary")}");
    }

    [Fact]
    public async Task OnValidateSession_Change_IsWrittenThoughTheApplicationNeverUsesTheSession()
    {
        await using var host = await SessionTestHost.StartAsync(s_loginOrAsset, o => o.OnValidateSession = context =>
        {
            context.Session.Set("roles", "refreshed");
            context.Session.Remove("admin");
            return Task.CompletedTask;
        });
        var jar = new CookieJar();
        await jar.SendAsync(host, "/login");

        var asset = await jar.SendAsync(host, "/site.css");

        Assert.NotNull(asset.SessionCookie());
    }

    [Fact]
    public async Task RejectSession_ThenTheApplicationRemovesAKey_StillDeletesTheCookie()
    {
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                var session = context.GetCookieSession();
                if (context.Request.Path == "/login")
                {
                    session.Set("user", "ana");
                }
                else
                {
                    session.Remove("user");
                }

                await context.Response.WriteAsync("ok");
            },
            o => o.OnValidateSession = c =>
            {
                if (c.HttpContext.Request.Path != "/login")
                {
                    c.RejectSession();
                }

                return Task.CompletedTask;
            });
        var jar = new CookieJar();
        await jar.SendAsync(host, "/login");

        var rejected = await jar.SendAsync(host, "/page");

        Assert.NotNull(rejected.SessionCookie());
        Assert.Empty(jar.Cookies);
    }
}
