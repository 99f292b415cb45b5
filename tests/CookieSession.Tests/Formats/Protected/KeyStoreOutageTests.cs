using System.Diagnostics;
using System.Globalization;
using System.Net;
using CookieSession.Tests.Infrastructure;
using CookieSession.Tests.Interop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>
/// Protected sessions while the Data Protection key store is down: real Kestrel applications sharing a key ring in a
/// real redis-server of the test's own, which the test kills and starts again.
/// </summary>
public sealed class KeyStoreOutageTests : IAsyncLifetime
{
    /// <summary>Far above what any step takes on a loaded two-core machine, far below a request left hanging.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private const string Cookie = CookieSessionDefaults.ProtectedCookieName;

    private readonly RedisServer _redis = new();
    private readonly RedisKey _keys = "shop-keys";

    public async ValueTask InitializeAsync() => await _redis.InitializeAsync();

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task StoreDownAfterStart_EveryInstanceKeepsReadingAndWritingEverySession()
    {
        _redis.RequireRedis();
        await using var a = await Shop.StartAsync(_redis, _keys);
        await using var b = await Shop.StartAsync(_redis, _keys);
        using var ana = new Browser();
        using var bob = new Browser();
        Assert.Equal("ana 1", (await ana.GetAsync(a.Address, "/signin?user=ana")).Body);
        Assert.Equal("bob 1", (await bob.GetAsync(b.Address, "/signin?user=bob")).Body);
        Assert.Equal("Healthy", await a.HealthAsync());

        _redis.Stop();

        // Requests go on, on both servers, reading and writing: the cached key ring serves them.
        for (var i = 2; i <= 11; i++)
        {
            var server = i % 2 == 0 ? b : a;
            var took = Stopwatch.StartNew();
            var answer = await ana.GetAsync(server.Address, "/count");
            Assert.True(took.Elapsed < Generous, $"A request took {took.Elapsed} while the key store was down.");
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal($"ana {i}", answer.Body);
            Assert.Equal($"bob {i}", (await bob.GetAsync(server == a ? b.Address : a.Address, "/count")).Body);
        }

        // New sessions too: a data key is wrapped with the cached ring.
        using var carl = new Browser();
        Assert.Equal("carl 1", (await carl.GetAsync(a.Address, "/signin?user=carl")).Body);
        Assert.Equal("carl 2", (await carl.GetAsync(b.Address, "/count")).Body);

        // Each server says that it serves from a cached ring, once its background read fails.
        await WaitForAsync(async () => await a.HealthAsync() == "Degraded" && await b.HealthAsync() == "Degraded");
        await WaitForAsync(() => Task.FromResult(a.Logs.GetSnapshot().Any(r => r.Id.Name == "KeyRingStale")));
        Assert.Contains("RedisXmlRepository", a.Logs.GetSnapshot().First(r => r.Id.Name == "KeyRingStale").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartedWhileStoreDown_StartsAndAnswers503_NeverTouchesTheCookie_AndLoadsItOnceTheStoreIsBack()
    {
        _redis.RequireRedis();
        using var ana = new Browser();
        string cookie;
        await using (var a = await Shop.StartAsync(_redis, _keys))
        {
            await ana.GetAsync(a.Address, "/signin?user=ana");
            cookie = ana.Cookies[Cookie];
        }

        // What the store holds survives its restart, as a store with persistence keeps it.
        await using (var connection = await _redis.ConnectAsync())
        {
            await connection.GetDatabase().ExecuteAsync("SAVE");
        }

        _redis.Stop();

        // A new instance starts during the outage, and says what is not available.
        await using var c = await Shop.StartAsync(_redis, _keys);
        await WaitForAsync(() => Task.FromResult(c.Logs.GetSnapshot().Any(r => r.Id.Name == "KeyRingUnreadable")));
        var error = Assert.Single(c.Logs.GetSnapshot(), r => r.Id.Name == "KeyRingUnreadable");
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("RedisXmlRepository", error.Message, StringComparison.Ordinal);
        Assert.Equal("Unhealthy", await c.HealthAsync());

        // Pages that do not use the session work; the session is unavailable, not empty, and its cookie is untouched.
        Assert.Equal(HttpStatusCode.OK, (await ana.GetAsync(c.Address, "/plain")).Status);
        Assert.Equal("False", (await ana.GetAsync(c.Address, "/available")).Body);
        var took = Stopwatch.StartNew();
        var count = await ana.GetAsync(c.Address, "/count");
        Assert.True(took.Elapsed < Generous, $"The request took {took.Elapsed}.");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, count.Status);
        Assert.Empty(count.SetCookies);
        var handled = await ana.GetAsync(c.Address, "/count-or-sorry");
        Assert.Equal("sorry", handled.Body);
        Assert.Empty(handled.SetCookies);
        Assert.Equal(cookie, ana.Cookies[Cookie]);
        Assert.Contains(c.Logs.GetSnapshot(), r => r.Id.Name == "SessionUnavailable");

        // A visitor without a cookie has a new session, but no key to seal it with: 503 too, nothing written.
        using var newcomer = new Browser();
        var signIn = await newcomer.GetAsync(c.Address, "/signin?user=bob");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.Status);
        Assert.Empty(signIn.SetCookies);

        // The store comes back: the same cookie loads on the same instance, with no restart.
        await _redis.RestartAsync();
        await WaitForAsync(async () => await c.HealthAsync() == "Healthy");
        Assert.Equal("ana 2", (await ana.GetAsync(c.Address, "/count")).Body);
        Assert.Contains(c.Logs.GetSnapshot(), r => r.Id.Name == "KeyRingReadAgain");
    }

    [Theory]
    [InlineData("/count")]
    [InlineData("/clear-cookie")]
    [InlineData("/clear")]
    [InlineData("/remove")]
    [InlineData("/typed")]
    public async Task StartedWhileStoreDown_ChunkedCookie_AnyChangeAnswers503_AndLeavesEveryChunk(string change)
    {
        _redis.RequireRedis();
        using var ana = new Browser();
        await using (var a = await Shop.StartAsync(_redis, _keys))
        {
            await ana.GetAsync(a.Address, "/signin-long?user=ana");
        }

        Assert.True(ana.Cookies.Count > 1, "The session's cookie is not chunked.");
        var before = ana.Cookies.ToDictionary();
        await using (var connection = await _redis.ConnectAsync())
        {
            await connection.GetDatabase().ExecuteAsync("SAVE");
        }

        _redis.Stop();
        await using var c = await Shop.StartAsync(_redis, _keys);
        await WaitForAsync(() => Task.FromResult(c.Logs.GetSnapshot().Any(r => r.Id.Name == "KeyRingUnreadable")));

        var changed = await ana.GetAsync(c.Address, change);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, changed.Status);
        Assert.Empty(changed.SetCookies);
        Assert.Equal(before, ana.Cookies);

        await _redis.RestartAsync();
        await WaitForAsync(async () => await c.HealthAsync() == "Healthy");
        Assert.Equal("ana 2", (await ana.GetAsync(c.Address, "/count")).Body);
    }

    [Fact]
    public async Task KeyNotSeenYet_DuringAnOutage_IsUnavailable_AndLoadsOnceTheStoreIsBack()
    {
        _redis.RequireRedis();
        await using var a = await Shop.StartAsync(_redis, _keys);
        await using var b = await Shop.StartAsync(_redis, _keys, reloadInterval: TimeSpan.FromHours(1));
        using var ana = new Browser();
        await ana.GetAsync(a.Address, "/signin?user=ana");
        Assert.Equal("ana 2", (await ana.GetAsync(b.Address, "/count")).Body);

        // A makes a new default key and seals the session with it; B has not read the store since it started.
        var newKey = a.CreateDefaultKey();
        await WaitForAsync(() => Task.FromResult(a.DefaultKeyId() == newKey));
        Assert.Equal("ana 3", (await ana.GetAsync(a.Address, "/count")).Body);
        await using (var connection = await _redis.ConnectAsync())
        {
            await connection.GetDatabase().ExecuteAsync("SAVE");
        }

        _redis.Stop();

        var onB = await ana.GetAsync(b.Address, "/count");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, onB.Status);
        Assert.Empty(onB.SetCookies);
        Assert.Equal("ana 4", (await ana.GetAsync(a.Address, "/count")).Body);

        await _redis.RestartAsync();
        await WaitForAsync(async () => (await ana.GetAsync(b.Address, "/peek")).Status == HttpStatusCode.OK);
        Assert.Equal("ana 5", (await ana.GetAsync(b.Address, "/count")).Body);
    }

    [Fact]
    public async Task RevokedKey_RefusedOnEveryInstanceWithinTheReloadInterval_CachedValuesIncluded()
    {
        _redis.RequireRedis();
        await using var a = await Shop.StartAsync(_redis, _keys);
        await using var b = await Shop.StartAsync(_redis, _keys);
        using var ana = new Browser();
        await ana.GetAsync(a.Address, "/signin?user=ana");
        var underOldKey = ana.Cookies[Cookie];

        // B opens the cookie and keeps it in its cache of verified values.
        Assert.Equal("ana 1", (await ana.GetAsync(b.Address, "/peek")).Body);
        Assert.Equal("ana 1", (await ana.GetAsync(b.Address, "/peek")).Body);

        // A replaces the default key and revokes the old one: B's Data Protection cache would not see it for a day.
        var oldKey = a.DefaultKeyId();
        var newKey = a.CreateDefaultKey();
        await WaitForAsync(() => Task.FromResult(a.DefaultKeyId() == newKey));
        a.RevokeKey(oldKey);

        var refused = Stopwatch.StartNew();
        await WaitForAsync(async () => (await ana.GetAsync(b.Address, "/peek")).Body == "anonymous 0");
        Assert.True(refused.Elapsed < Generous);
        ana.Restore(new Dictionary<string, string> { [Cookie] = underOldKey });
        Assert.Equal("anonymous 0", (await ana.GetAsync(a.Address, "/peek")).Body);
        Assert.Contains(b.Logs.GetSnapshot(), r => r.Id.Name == "CookieRejected" && r.Message.Contains("RevokedKey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HealthCheck_IsForReadiness_NotLiveness()
    {
        _redis.RequireRedis();
        await using var a = await Shop.StartAsync(_redis, _keys);

        Assert.Equal("Healthy", await a.HealthAsync());
        _redis.Stop();
        await WaitForAsync(async () => await a.HealthAsync() == "Degraded");

        // The liveness endpoint runs no check tagged "ready": an outage of the key store restarts nothing.
        Assert.Equal("Healthy", await a.HealthAsync("/health/live"));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < Generous, $"Not so within {Generous.TotalSeconds:0} s.");
            await Task.Delay(100);
        }
    }

    /// <summary>One instance of the shop: its own services, Kestrel and Redis connection, the shared key ring.</summary>
    private sealed class Shop : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConnectionMultiplexer _connection;
        private readonly HttpClient _client;

        private Shop(WebApplication app, ConnectionMultiplexer connection, FakeLogCollector logs)
        {
            _app = app;
            _connection = connection;
            Logs = logs;
            _client = new HttpClient { BaseAddress = Address, Timeout = Generous };
        }

        public Uri Address => new(_app.Urls.First());

        public FakeLogCollector Logs { get; }

        public static async Task<Shop> StartAsync(RedisServer redis, RedisKey keys, TimeSpan? reloadInterval = null)
        {
            // abortConnect=false, as the docs ask: the application starts whether Redis answers or not.
            var connection = await redis.ConnectAsync(abortOnConnectFail: false);
            var logs = new FakeLogCollector();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Information).AddProvider(new FakeLoggerProvider(logs));
            builder.Services.AddDataProtection().SetApplicationName("shop").PersistKeysToStackExchangeRedis(connection, keys);
            builder.Services.AddCookieSession(o =>
            {
                o.Format = CookieSessionFormat.Protected;
                o.KeyRingReloadInterval = reloadInterval ?? TimeSpan.FromSeconds(1);
            });
            builder.Services.AddHealthChecks().AddCookieSessionKeyRing();
            var app = builder.Build();
            app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
            app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => !check.Tags.Contains("ready") });
            app.MapGet("/plain", () => "no session here");
            app.UseCookieSession();

            app.MapGet("/signin", (HttpContext context, string user) =>
            {
                var session = context.GetCookieSession();
                session.Set("user", user);
                session.Set("count", 1);
                return Describe(session);
            });
            app.MapGet("/signin-long", (HttpContext context, string user) =>
            {
                // Random, so that it compresses to nothing less: its cookie is chunked.
                var session = context.GetCookieSession();
                session.Set("user", user);
                session.Set("count", 1);
                session.Set("note", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3500)));
                return Describe(session);
            });
            app.MapGet("/clear-cookie", (HttpContext context) =>
            {
                context.ClearCookieSession();
                return "cleared";
            });
            app.MapGet("/clear", (HttpContext context) =>
            {
                context.Session.Clear();
                return "emptied";
            });
            app.MapGet("/remove", (HttpContext context) =>
            {
                context.Session.Remove("note");
                return "removed";
            });
            app.MapGet("/typed", (HttpContext context) =>
            {
                context.GetCookieSession<Visits>().Value.Count++;
                return "counted";
            });
            app.MapGet("/count", (HttpContext context) => Count(context.GetCookieSession()));
            app.MapGet("/count-or-sorry", (HttpContext context) =>
            {
                try
                {
                    return Count(context.GetCookieSession());
                }
                catch (CookieSessionUnavailableException)
                {
                    return "sorry";
                }
            });
            app.MapGet("/peek", (HttpContext context) => Describe(context.GetCookieSession()));
            app.MapGet("/available", (HttpContext context) => context.Session.IsAvailable.ToString(CultureInfo.InvariantCulture));

            await app.StartAsync();
            return new Shop(app, connection, logs);
        }

        public async Task<string> HealthAsync(string path = "/health/ready")
        {
            using var response = await _client.GetAsync(path);
            return await response.Content.ReadAsStringAsync();
        }

        public Guid CreateDefaultKey()
        {
            var now = DateTimeOffset.UtcNow;
            return _app.Services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90)).KeyId;
        }

        public Guid DefaultKeyId()
            => _app.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.KeyManagement.Internal.IKeyRingProvider>().GetCurrentKeyRing().DefaultKeyId;

        public void RevokeKey(Guid id) => _app.Services.GetRequiredService<IKeyManager>().RevokeKey(id, "compromised");

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.DisposeAsync();
            await _connection.DisposeAsync();
        }

        /// <summary>The session seen through a typed view.</summary>
        private sealed class Visits
        {
            public int Count { get; set; }
        }

        private static string Count(ICookieSession session)
        {
            session.Set("count", session.Get<int>("count") + 1);
            return Describe(session);
        }

        private static string Describe(ICookieSession session)
            => (session.Get<string>("user") ?? "anonymous") + " " + session.Get<int>("count").ToString(CultureInfo.InvariantCulture);
    }
}
