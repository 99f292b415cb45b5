using System.Globalization;
using CookieSession.Tests.Infrastructure;
using CookieSession.Tests.Interop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>
/// Protected sessions across servers: two applications on Kestrel, each with its own services, sharing one Data
/// Protection key ring in a real redis-server, and a browser going from one to the other.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class ManyServersTests(RedisServer redis)
{
    private readonly RedisKey _keys = "shop-keys-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Session_WrittenByOneServer_IsReadAndChangedByTheOther()
    {
        await using var a = await Shop.StartAsync(redis, _keys);
        await using var b = await Shop.StartAsync(redis, _keys);
        using var browser = new Browser();

        Assert.Equal("ana 1", (await browser.GetAsync(a.Address, "/signin?user=ana")).Body);
        Assert.Equal("ana 2", (await browser.GetAsync(b.Address, "/count")).Body);
        Assert.Equal("ana 3", (await browser.GetAsync(a.Address, "/count")).Body);
        Assert.Equal("ana 4", (await browser.GetAsync(b.Address, "/count")).Body);
    }

    [Fact]
    public async Task NewDefaultKey_OldCookieStillReadAndReprotected_AndTheOtherServerReadsTheNewOne()
    {
        await using var a = await Shop.StartAsync(redis, _keys);
        await using var b = await Shop.StartAsync(redis, _keys);
        using var browser = new Browser();
        await browser.GetAsync(a.Address, "/signin?user=ana");
        var old = browser.Cookies[CookieSessionDefaults.ProtectedCookieName];

        b.CreateDefaultKey();
        var read = await browser.GetAsync(b.Address, "/peek");
        var renewed = browser.Cookies[CookieSessionDefaults.ProtectedCookieName];

        Assert.Equal("ana 1", read.Body);
        Assert.NotEqual(old, renewed);
        Assert.Equal("ana 2", (await browser.GetAsync(a.Address, "/count")).Body);
    }

    [Fact]
    public async Task AnotherApplicationName_OnTheSameKeyRing_CannotReadIt()
    {
        await using var shop = await Shop.StartAsync(redis, _keys);
        await using var warehouse = await Shop.StartAsync(redis, _keys, applicationName: "warehouse");
        using var browser = new Browser();
        await browser.GetAsync(shop.Address, "/signin?user=ana");

        Assert.Equal("anonymous 0", (await browser.GetAsync(warehouse.Address, "/peek")).Body);
        Assert.Equal("ana 2", (await browser.GetAsync(shop.Address, "/count")).Body);
    }

    [Fact]
    public async Task SignOutEverywhere_PerUserNotBeforeInIDistributedCache_RejectsOlderSessionsOnEveryServer()
    {
        await using var a = await Shop.StartAsync(redis, _keys);
        await using var b = await Shop.StartAsync(redis, _keys);
        using var laptop = new Browser();
        using var phone = new Browser();
        using var other = new Browser();
        await laptop.GetAsync(a.Address, "/signin?user=ana");
        await phone.GetAsync(b.Address, "/signin?user=ana");
        await other.GetAsync(a.Address, "/signin?user=bob");

        // On the phone, through server B: every session of ana created before now ends, on every server.
        await Task.Delay(5, TestContext.Current.CancellationToken);
        await phone.GetAsync(b.Address, "/signout-everywhere");

        var laptopOnA = await laptop.GetAsync(a.Address, "/peek");
        Assert.Equal("anonymous 0", laptopOnA.Body);
        Assert.Contains(laptopOnA.SetCookies, c => c.StartsWith(CookieSessionDefaults.ProtectedCookieName + "=;", StringComparison.Ordinal));
        Assert.False(laptop.Cookies.ContainsKey(CookieSessionDefaults.ProtectedCookieName));
        Assert.Equal("bob 2", (await other.GetAsync(b.Address, "/count")).Body);

        // Signing in again starts a session created after the cut: it is accepted.
        await Task.Delay(5, TestContext.Current.CancellationToken);
        await laptop.GetAsync(a.Address, "/signin?user=ana");
        Assert.Equal("ana 2", (await laptop.GetAsync(b.Address, "/count")).Body);
    }

    /// <summary>An application of the shop: its own services and Kestrel, the shared key ring and cache.</summary>
    private sealed class Shop : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConnectionMultiplexer _connection;

        private Shop(WebApplication app, ConnectionMultiplexer connection)
        {
            _app = app;
            _connection = connection;
        }

        public Uri Address => new(_app.Urls.First());

        public static async Task<Shop> StartAsync(RedisServer redis, RedisKey keys, string applicationName = "shop")
        {
            var connection = await redis.ConnectAsync();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddDataProtection()
                .SetApplicationName(applicationName)
                .PersistKeysToStackExchangeRedis(connection, keys);
            builder.Services.AddStackExchangeRedisCache(o =>
            {
                o.ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(connection);
                o.InstanceName = keys.ToString() + ":";
            });
            builder.Services.AddCookieSession(o =>
            {
                o.Format = CookieSessionFormat.Protected;
                o.IdleTimeout = TimeSpan.FromMinutes(20);
                o.AbsoluteTimeout = TimeSpan.FromHours(8);
                o.OnValidateSession = RejectIfSignedOutEverywhere;
            });
            var app = builder.Build();
            app.UseCookieSession();

            app.MapGet("/signin", (HttpContext context, string user) =>
            {
                context.ClearCookieSession();
                var session = context.GetCookieSession();
                session.Set("user", user);
                session.Set("count", 1);
                return Describe(session);
            });
            app.MapGet("/count", (HttpContext context) =>
            {
                var session = context.GetCookieSession();
                session.Set("count", session.Get<int>("count") + 1);
                return Describe(session);
            });
            app.MapGet("/peek", (HttpContext context) => Describe(context.GetCookieSession()));
            app.MapGet("/signout-everywhere", async (HttpContext context, IDistributedCache cache) =>
            {
                var user = context.GetCookieSession().Get<string>("user")!;
                await cache.SetStringAsync(NotBeforeKey(user), TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                context.ClearCookieSession();
                return "signed out";
            });

            await app.StartAsync();
            return new Shop(app, connection);
        }

        public void CreateDefaultKey()
        {
            var now = TimeProvider.System.GetUtcNow();
            _app.Services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.DisposeAsync();
            await _connection.DisposeAsync();
        }

        /// <summary>The README's recipe: a session created before the user's "signed out everywhere" time is refused.</summary>
        private static async Task RejectIfSignedOutEverywhere(CookieSessionValidationContext context)
        {
            if (context.Session.Get<string>("user") is not { } user)
            {
                return;
            }

            var cache = context.HttpContext.RequestServices.GetRequiredService<IDistributedCache>();
            if (await cache.GetStringAsync(NotBeforeKey(user), context.HttpContext.RequestAborted) is { } notBefore
                && context.CreatedAt?.ToUnixTimeMilliseconds() < long.Parse(notBefore, CultureInfo.InvariantCulture))
            {
                context.RejectSession();
            }
        }

        private static string NotBeforeKey(string user) => "signed-out:" + user;

        private static string Describe(ICookieSession session)
            => (session.Get<string>("user") ?? "anonymous") + " " + session.Get<int>("count").ToString(CultureInfo.InvariantCulture);
    }
}
