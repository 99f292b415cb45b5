using System.Text;
using CookieSession.Formats;
using CookieSession.Formats.Iron;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CookieSession.Tests.Formats.Iron;

public sealed class IronSessionFormatTests
{
    private const string Password = "the iron-session password, 32 characters or more";
    private const string Name = "myapp_session";

    private static readonly RequestDelegate s_counter = async context =>
    {
        var session = context.GetCookieSession();
        var n = session.Get<int>("n") + 1;
        if (context.Request.Query["blob"] is [{ } length])
        {
            session.Set("blob", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) / 2)));
        }

        if (context.Request.Path == "/clear")
        {
            context.ClearCookieSession();
        }
        else
        {
            session.Set("n", n);
        }

        await context.Response.WriteAsync(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
    };

    [Fact]
    public async Task Write_ThenRead_WithTtl_AsIronSessionWritesIt()
    {
        await using var host = await StartAsync();
        var jar = new CookieJar();

        var first = await jar.SendAsync(host);
        var second = await jar.SendAsync(host);

        Assert.Equal("2", second.Body);
        var cookie = first.SessionCookie(Name)!;
        Assert.Equal(TimeSpan.FromDays(14) - TimeSpan.FromSeconds(60), cookie.MaxAge);
        Assert.Null(cookie.Expires);
        var value = cookie.Value.Value!;
        Assert.StartsWith("Fe26.2*1*", value, StringComparison.Ordinal);
        Assert.EndsWith("~2", value, StringComparison.Ordinal);
        var expiration = long.Parse(value.Split('*')[5], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((host.Time.GetUtcNow() + TimeSpan.FromDays(14)).ToUnixTimeMilliseconds(), expiration);
    }

    [Fact]
    public async Task Read_PastTheExpirationAndItsSkew_IsRefused()
    {
        await using var host = await StartAsync(o => o.IronSessionTtl = TimeSpan.FromMinutes(10));
        var jar = new CookieJar();
        await jar.SendAsync(host);
        var cookie = jar.Header;

        host.Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(59));
        var withinSkew = await host.SendAsync(cookie: cookie);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var expired = await host.SendAsync(cookie: cookie);

        Assert.Equal("2", withinSkew.Body);
        Assert.Equal("1", expired.Body);
        Assert.Contains("Expired", Assert.Single(host.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TtlZero_NoExpirationAndIronSessionsMaxAge()
    {
        await using var host = await StartAsync(o => o.IronSessionTtl = TimeSpan.Zero);
        var cookie = (await host.SendAsync()).SessionCookie(Name)!;

        Assert.Equal(TimeSpan.FromSeconds(int.MaxValue), cookie.MaxAge);
        Assert.Equal(string.Empty, cookie.Value.Value!.Split('*')[5]);
    }

    [Fact]
    public async Task LargeSession_ChunkedAsIronSession9_AndBackToOneCookie()
    {
        await using var host = await StartAsync();
        var jar = new CookieJar();

        var chunked = await jar.SendAsync(host, "/?blob=4000");
        var read = await jar.SendAsync(host);
        var small = await jar.SendAsync(host, "/?blob=10");
        var cleared = await jar.SendAsync(host, "/clear");

        Assert.Equal([Name + ".0", Name + ".1"], chunked.SetCookies.Select(c => c.Name.Value!).ToArray());
        Assert.All(chunked.SetCookieHeaders, h => Assert.True(h.Length <= 4096, $"{h.Length}"));
        Assert.Equal("2", read.Body);
        Assert.Contains(small.SetCookies, c => c.Name.Value == Name + ".0" && c.Expires == DateTimeOffset.UnixEpoch);
        Assert.Contains(small.SetCookies, c => c.Name.Value == Name && c.Expires != DateTimeOffset.UnixEpoch);
        Assert.NotNull(cleared.SessionCookie(Name));
        Assert.Empty(jar.Cookies);
    }

    [Fact]
    public async Task MoreThanFourChunks_FailsLoudly()
    {
        await using var host = await StartAsync();

        var error = await Assert.ThrowsAsync<CookieSessionTooLargeException>(() => host.SendAsync("/?blob=16000"));

        Assert.True(error.Size > error.Limit);
        Assert.Single(host.LogsOf("CookieTooLarge"));
    }

    [Fact]
    public async Task Rotation_OlderPasswordRead_AndResealedWithTheHighestId()
    {
        await using var before = await StartAsync(o =>
        {
            o.Secret = null;
            o.IronSessionPasswords = new Dictionary<int, string> { [1] = Password };
        });
        await using var after = await StartAsync(o =>
        {
            o.Secret = null;
            o.IronSessionPasswords = new Dictionary<int, string> { [3] = Password + " (new)", [1] = Password };
        });
        var cookie = (await before.SendAsync()).CookieToSend(Name);

        var resealed = await after.SendAsync(cookie: cookie);

        Assert.Equal("2", resealed.Body);
        Assert.StartsWith("Fe26.2*3*", resealed.SessionCookie(Name)!.Value.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordIdOfTenDigits_OpensWhatItSeals()
    {
        await using var host = await SessionTestHost.StartAsync(
            s_counter,
            o =>
            {
                o.Format = CookieSessionFormat.IronSession;
                o.IronSessionPasswords = new Dictionary<int, string> { [1_000_000_000] = Password };
                o.Cookie.Name = Name;

                // Without the cache, as another server or after a restart: the seal itself must open.
                o.VerifiedCookieCacheSize = 0;
            },
            services: null,
            withDefaultSecret: false);
        var jar = new CookieJar();

        await jar.SendAsync(host);
        var second = await jar.SendAsync(host);

        Assert.Equal("2", second.Body);
    }

    [Theory]
    [InlineData("short", "must be at least 32 characters long")]
    [InlineData("secrets", "Secrets is not used by Format IronSession")]
    [InlineData("both", "set one or the other")]
    [InlineData("none", "is required by Format IronSession")]
    [InlineData("negative ttl", "IronSessionTtl must be zero")]
    [InlineData("ttl not whole seconds", "IronSessionTtl must be zero (no expiry) or whole seconds")]
    [InlineData("passwords elsewhere", "IronSessionPasswords are for Format IronSession")]
    public async Task Start_InvalidIronOptions_Fails(string which, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionTestHost.StartAsync(
            s_counter,
            o =>
            {
                o.Format = CookieSessionFormat.IronSession;
                switch (which)
                {
                    case "short": o.Secret = "only 31 characters, not enough!"; break;
                    case "secrets": o.Secret = Password; o.Secrets = [Password]; break;
                    case "both": o.Secret = Password; o.IronSessionPasswords[1] = Password; break;
                    case "none": break;
                    case "negative ttl": o.Secret = Password; o.IronSessionTtl = TimeSpan.FromSeconds(-1); break;
                    case "ttl not whole seconds": o.Secret = Password; o.IronSessionTtl = TimeSpan.FromMilliseconds(500); break;
                    default: o.Format = CookieSessionFormat.Connect; o.Secret = Password; o.IronSessionPasswords[2] = Password; break;
                }
            },
            services: null,
            withDefaultSecret: false));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Fe26.2*1*x")]
    [InlineData("Fe26.1*1*a*b*c**d*e")]
    [InlineData("Fe26.2*9*a*b*c**d*e")]
    [InlineData("Fe26.2*1*a*AAAA*c**d*0123456789012345678901234567890123456789012")]
    [InlineData("Fe26.2*1*a*b*c*0100*d*e")]
    [InlineData("")]
    [InlineData("~2")]
    public async Task Read_MalformedSeal_EmptySessionAndALoggedReason(string value)
    {
        await using var host = await StartAsync();

        var transaction = await host.SendAsync(cookie: $"{Name}={value}");

        Assert.Equal("1", transaction.Body);
        if (value.Length > 0)
        {
            Assert.Single(host.LogsOf("CookieRejected"));
        }
    }

    private static Task<SessionTestHost> StartAsync(Action<CookieSessionOptions>? configure = null)
        => SessionTestHost.StartAsync(
            s_counter,
            o =>
            {
                o.Format = CookieSessionFormat.IronSession;
                o.Secret = Password;
                o.Cookie.Name = Name;
                configure?.Invoke(o);
            },
            services: null,
            withDefaultSecret: false);
}
