using System.Buffers.Binary;
using System.Globalization;
using CookieSession.Formats.Protected;
using CookieSession.Tests.Infrastructure;
using CookieSession.Tests.Interop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>
/// Keys created and revoked on one of three servers sharing a Data Protection key ring in a real redis-server: the
/// others use the key store's keys as the library reads them, without waiting for Data Protection to reload its own
/// cached ring (which, past its first two minutes, it does only when its cache expires, about a day).
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class KeyRotationTests(RedisServer redis)
{
    private readonly RedisKey _keys = "rotation-keys-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task KeyCreatedOnOneServer_IsReadAndSealedWithOnTheOthers_WithoutDataProtectionReloading()
    {
        await using var a = await Server.StartAsync(redis, _keys);
        await using var b = await Server.StartAsync(redis, _keys);
        await using var c = await Server.StartAsync(redis, _keys);
        using var browser = new Browser();
        await browser.GetAsync(a.Address, "/signin?user=ana");

        var created = a.CreateDefaultKey();
        Assert.Equal("ana 2", (await browser.GetAsync(a.Address, "/count")).Body);
        Assert.Equal(created, KeyIdOf(browser));

        Assert.Equal("ana 3", (await CountAsync(browser, b)).Body);
        Assert.Equal(created, KeyIdOf(browser));
        Assert.Equal("ana 4", (await CountAsync(browser, c)).Body);
        Assert.Equal(created, KeyIdOf(browser));

        // Data Protection's own rings on B and C were not reloaded for it: the library's reading of the store served it.
        Assert.False(b.DataProtectionHolds(created));
        Assert.False(c.DataProtectionHolds(created));
    }

    [Fact]
    public async Task DefaultKeyRevokedOnAnotherServer_IsNotSealedWith()
    {
        await using var a = await Server.StartAsync(redis, _keys);
        await using var b = await Server.StartAsync(redis, _keys);
        await using var c = await Server.StartAsync(redis, _keys);
        using var browser = new Browser();
        await browser.GetAsync(b.Address, "/signin?user=ana");
        var revoked = KeyIdOf(browser);

        var replacement = a.CreateDefaultKey();
        a.Revoke(revoked);
        await b.ReadKeyRingAsync();
        await c.ReadKeyRingAsync();

        Assert.Equal(revoked, b.DataProtectionDefaultKey);
        var signedIn = await browser.GetAsync(b.Address, "/signin?user=bea");
        Assert.Equal("bea 1", signedIn.Body);
        Assert.Equal(replacement, KeyIdOf(browser));
        Assert.Equal("bea 2", (await browser.GetAsync(c.Address, "/count")).Body);
        Assert.Equal("bea 3", (await browser.GetAsync(a.Address, "/count")).Body);
    }

    [Fact]
    public async Task HealthCheck_DefaultKeyRevokedOnAnotherServer_IsHealthyWhileSessionsSealWithTheStoresKey()
    {
        await using var a = await Server.StartAsync(redis, _keys);
        await using var b = await Server.StartAsync(redis, _keys);
        using var browser = new Browser();
        await browser.GetAsync(b.Address, "/signin?user=ana");
        var revoked = KeyIdOf(browser);
        Assert.Equal(HealthStatus.Healthy, await b.KeyRingHealthAsync());

        var replacement = a.CreateDefaultKey();
        a.Revoke(revoked);
        await b.ReadKeyRingAsync();

        // B's Data Protection still holds the revoked key as its default, but B seals with the store's: healthy.
        Assert.Equal(revoked, b.DataProtectionDefaultKey);
        Assert.Equal(HealthStatus.Healthy, await b.KeyRingHealthAsync());
        Assert.Equal("bea 1", (await browser.GetAsync(b.Address, "/signin?user=bea")).Body);
        Assert.Equal(replacement, KeyIdOf(browser));
        Assert.Equal("bea 2", (await browser.GetAsync(a.Address, "/count")).Body);
    }

    [Fact]
    public async Task HealthCheck_EveryKeyRevokedOnAnotherServer_IsDegradedWhileTheRevokedKeySeals()
    {
        // No server makes a key on its own, so that revoking every key leaves the store none to seal with.
        await using var a = await Server.StartAsync(redis, _keys, generateKeys: false);
        var revoked = a.CreateDefaultKey();
        await using var b = await Server.StartAsync(redis, _keys, generateKeys: false);
        using var browser = new Browser();
        await browser.GetAsync(b.Address, "/signin?user=ana");
        Assert.Equal(HealthStatus.Healthy, await b.KeyRingHealthAsync());

        a.RevokeAll();
        await b.ReadKeyRingAsync();

        // B's Data Protection seals with the revoked key until it reloads, which every server reading the store refuses.
        Assert.Equal(HealthStatus.Degraded, await b.KeyRingHealthAsync());
        Assert.Equal("bea 1", (await browser.GetAsync(b.Address, "/signin?user=bea")).Body);
        Assert.Equal(revoked, KeyIdOf(browser));
    }

    /// <summary>The id of the Data Protection key that wrapped the data key of the browser's session cookie.</summary>
    private static Guid KeyIdOf(Browser browser)
    {
        var cookie = WebEncoders.Base64UrlDecode(browser.Cookies[CookieSessionDefaults.ProtectedCookieName]);
        var wrapped = cookie.AsSpan(3, BinaryPrimitives.ReadUInt16BigEndian(cookie.AsSpan(1)));
        return new Guid(wrapped.Slice(4, 16));
    }

    /// <summary>
    /// Counts on <paramref name="server"/>, whose read of the store for a key it has not seen is waited for at most
    /// <see cref="CookieSessionDefaults.KeyStoreWait"/>: on a machine busy enough to make that read slower, the request is
    /// answered 503 and the browser keeps its cookie, as designed, and asks again. Anything else is the answer.
    /// </summary>
    private static async Task<Browser.Response> CountAsync(Browser browser, Server server)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await browser.GetAsync(server.Address, "/count");
            if (response.Status != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 5)
            {
                return response;
            }

            Assert.Empty(response.SetCookies);
        }
    }

    /// <summary>One server: its own services and Kestrel, the shared key ring.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConnectionMultiplexer _connection;

        private Server(WebApplication app, ConnectionMultiplexer connection)
        {
            _app = app;
            _connection = connection;
        }

        public Uri Address => new(_app.Urls.First());

        public Guid DataProtectionDefaultKey => _app.Services.GetRequiredService<IKeyRingProvider>().GetCurrentKeyRing().DefaultKeyId;

        public static async Task<Server> StartAsync(RedisServer redis, RedisKey keys, bool generateKeys = true)
        {
            var connection = await redis.ConnectAsync();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var dataProtection = builder.Services.AddDataProtection().SetApplicationName("rotation").PersistKeysToStackExchangeRedis(connection, keys);
            if (!generateKeys)
            {
                dataProtection.DisableAutomaticKeyGeneration();
            }

            builder.Services.AddHealthChecks().AddCookieSessionKeyRing();
            builder.Services.AddCookieSession(o =>
            {
                o.Format = CookieSessionFormat.Protected;
                o.IdleTimeout = TimeSpan.FromMinutes(20);
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

            await app.StartAsync();
            return new Server(app, connection);
        }

        public Guid CreateDefaultKey()
        {
            var now = TimeProvider.System.GetUtcNow();
            return _app.Services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90)).KeyId;
        }

        public void Revoke(Guid keyId) => _app.Services.GetRequiredService<IKeyManager>().RevokeKey(keyId, "revoked in a test");

        public void RevokeAll() => _app.Services.GetRequiredService<IKeyManager>().RevokeAllKeys(TimeProvider.System.GetUtcNow(), "revoked in a test");

        public bool DataProtectionHolds(Guid keyId)
            => _app.Services.GetRequiredService<IKeyRingProvider>().GetCurrentKeyRing().GetAuthenticatedEncryptorByKeyId(keyId, out _) is not null;

        /// <summary>Has the library read the key store now, as it does every reload interval.</summary>
        public Task ReadKeyRingAsync() => _app.Services.GetRequiredService<KeyRingMonitor>().RequestRead();

        /// <summary>The key ring health check's status now.</summary>
        public async Task<HealthStatus> KeyRingHealthAsync()
        {
            var report = await _app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            return report.Entries[CookieSessionDefaults.KeyRingHealthCheckName].Status;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.DisposeAsync();
            await _connection.DisposeAsync();
        }

        private static string Describe(ICookieSession session)
            => (session.Get<string>("user") ?? "anonymous") + " " + session.Get<int>("count").ToString(CultureInfo.InvariantCulture);
    }
}
