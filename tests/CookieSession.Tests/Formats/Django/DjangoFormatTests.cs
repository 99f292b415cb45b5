using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CookieSession.Tests.Formats.Django;

/// <summary>The Django format in the middleware: its defaults, its start-up checks, its cookie's lifetime, and its age on every request.</summary>
public sealed class DjangoFormatTests
{
    private const string Secret = "django-insecure-a SECRET_KEY for the format tests";

    private static readonly RequestDelegate s_counter = async context =>
    {
        var session = context.GetCookieSession();
        var n = session.Get<int>("n") + 1;
        session.Set("n", n);
        await context.Response.WriteAsync(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
    };

    [Fact]
    public async Task Write_Defaults_SessionidWithDjangosAgeAndAttributes()
    {
        await using var host = await StartAsync();

        var cookie = (await host.SendAsync()).SessionCookie(CookieSessionDefaults.DjangoCookieName);

        Assert.NotNull(cookie);
        Assert.Equal(TimeSpan.FromSeconds(1209600), cookie.MaxAge);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
        Assert.Matches("^e[A-Za-z0-9_-]+:[0-9A-Za-z]{6}:[A-Za-z0-9_-]{43}$", cookie.Value.Value);
    }

    [Theory]
    [InlineData(null, 3600)]          // SESSION_COOKIE_AGE when the app sets no lifetime
    [InlineData(600, 600)]            // a shorter Max-Age is kept
    [InlineData(7200, 3600)]          // a longer one is cut to what the server accepts
    public async Task Write_MaxAge_NoLongerThanSessionCookieAge(int? maxAgeSeconds, int expected)
    {
        await using var host = await StartAsync(o =>
        {
            o.Django.SessionCookieAge = TimeSpan.FromHours(1);
            o.Cookie.MaxAge = maxAgeSeconds is { } s ? TimeSpan.FromSeconds(s) : null;
        });

        var cookie = (await host.SendAsync()).SessionCookie(CookieSessionDefaults.DjangoCookieName)!;

        Assert.Equal(TimeSpan.FromSeconds(expected), cookie.MaxAge);
    }

    [Fact]
    public async Task Write_ExpireAtBrowserClose_ABrowserSessionCookie()
    {
        await using var host = await StartAsync(o => o.Django.ExpireAtBrowserClose = true);

        var cookie = (await host.SendAsync()).SessionCookie(CookieSessionDefaults.DjangoCookieName)!;

        Assert.Null(cookie.MaxAge);
        Assert.Null(cookie.Expires);
    }

    [Fact]
    public async Task LastKeyRemoved_DeletesTheCookie_AsDjangoDoes()
    {
        // Django's SessionMiddleware deletes the cookie of a session that was modified and is now empty, never signs "{}".
        await using var host = await StartAsync(app: async context =>
        {
            var session = context.Session;
            if (context.Request.Path == "/remove")
            {
                session.Remove("a");
            }
            else
            {
                session.SetString("a", "1");
            }

            await context.Response.WriteAsync(session.GetString("a") ?? "(none)");
        });
        var cookie = (await host.SendAsync("/write")).CookieToSend(CookieSessionDefaults.DjangoCookieName);

        var removed = await host.SendAsync("/remove", cookie);

        var deleted = removed.SessionCookie(CookieSessionDefaults.DjangoCookieName);
        Assert.NotNull(deleted);
        Assert.Equal(DateTimeOffset.UnixEpoch, deleted.Expires);
        Assert.True(string.IsNullOrEmpty(deleted.Value.Value), "The deletion carries no value.");
        Assert.Single(host.LogsOf("SessionCleared"));
    }

    [Fact]
    public async Task Read_SameCookiePastSessionCookieAge_RefusedThoughCached()
    {
        await using var host = await StartAsync(o => o.Django.SessionCookieAge = TimeSpan.FromMinutes(10));
        var cookie = (await host.SendAsync()).CookieToSend(CookieSessionDefaults.DjangoCookieName);

        host.Time.Advance(TimeSpan.FromMinutes(10));
        var atTheAge = await host.SendAsync(cookie: cookie);
        var again = await host.SendAsync(cookie: cookie);   // from the cache of verified values
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var pastIt = await host.SendAsync(cookie: cookie);

        Assert.Equal("2", atTheAge.Body);
        Assert.Equal("2", again.Body);
        Assert.Equal("1", pastIt.Body);
        Assert.Contains("Expired", Assert.Single(host.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_SignedUnderAFallbackSecret_ReadAndSignedAgainUnderTheFirst()
    {
        string cookie;
        await using (var old = await StartAsync(o => o.Secret = "the SECRET_KEY before rotation, long enough"))
        {
            cookie = (await old.SendAsync()).CookieToSend(CookieSessionDefaults.DjangoCookieName);
        }

        await using var host = await StartAsync(o => o.Secrets = [Secret, "the SECRET_KEY before rotation, long enough"]);
        var read = await host.SendAsync(cookie: cookie);

        Assert.Equal("2", read.Body);
        Assert.NotEqual(cookie, read.CookieToSend(CookieSessionDefaults.DjangoCookieName));
    }

    [Theory]
    [InlineData("not a cookie")]
    [InlineData("e30:1vb66i:v-jE4ijnRcGLbxCOnVJ4aVvDbAuMz-zpBqF95cxxuSc")]
    [InlineData(".eJzLSM3JyVcozy_KSQEAGgQEXQ:1vb66i:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("::::")]
    public async Task Read_BadCookie_EmptySessionAndALoggedReason(string value)
    {
        await using var host = await StartAsync();

        var response = await host.SendAsync(cookie: "sessionid=" + value);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.Status);
        Assert.Equal("1", response.Body);
        Assert.Single(host.LogsOf("CookieRejected"));
    }

    [Theory]
    [InlineData("zero age", "Django.SessionCookieAge must be whole seconds")]
    [InlineData("fraction", "Django.SessionCookieAge must be whole seconds")]
    [InlineData("days as seconds", "1209600 seconds is 14.00:00:00 in configuration")]
    [InlineData("idle timeout", "CookieSessionOptions.IdleTimeout cannot be enforced with Format Django")]
    [InlineData("no secret", "CookieSessionOptions.Secret is required")]
    [InlineData("elsewhere", "CookieSessionOptions.Django is for Format Django, not Connect")]
    public async Task Start_InvalidDjangoOptions_Fails(string which, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionTestHost.StartAsync(
            s_counter,
            o =>
            {
                o.Format = CookieSessionFormat.Django;
                o.Secret = Secret;
                switch (which)
                {
                    case "zero age": o.Django.SessionCookieAge = TimeSpan.Zero; break;
                    case "fraction": o.Django.SessionCookieAge = TimeSpan.FromSeconds(1.5); break;
                    case "days as seconds": o.Django.SessionCookieAge = TimeSpan.FromDays(1209600); break;
                    case "idle timeout": o.IdleTimeout = TimeSpan.FromHours(1); break;
                    case "no secret": o.Secret = null; break;
                    default: o.Format = CookieSessionFormat.Connect; o.Django.SessionCookieAge = TimeSpan.FromHours(1); break;
                }
            },
            services: null,
            withDefaultSecret: false));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static Task<SessionTestHost> StartAsync(Action<CookieSessionOptions>? configure = null, RequestDelegate? app = null)
        => SessionTestHost.StartAsync(
            app ?? s_counter,
            o =>
            {
                o.Format = CookieSessionFormat.Django;
                o.Secret = Secret;
                configure?.Invoke(o);
            },
            services: null,
            withDefaultSecret: false);
}
