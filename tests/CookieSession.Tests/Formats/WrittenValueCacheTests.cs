using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Formats;
using CookieSession.Formats.Protected;
using CookieSession.Options;
using CookieSession.Session;
using CookieSession.Tests.Formats.Protected;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CookieSession.Tests.Formats;

/// <summary>
/// A value this process wrote is kept in the cache as the Set-Cookie header carried it: the browser sending back
/// exactly what it received must find it there, whatever the format, whether Response.Cookies is plain or wrapped by a
/// cookie policy, and whether the value went as one cookie or in chunks; and it must read as it did when it was first
/// verified, also when only a tree reads its JSON as <c>JSON.parse</c> does.
/// </summary>
public sealed class WrittenValueCacheTests
{
    private const string Secret = "a secret of at least thirty-two characters, for every format";

    public static TheoryData<CookieSessionFormat, bool, int> Cases()
    {
        var data = new TheoryData<CookieSessionFormat, bool, int>();
        foreach (var policy in new[] { false, true })
        {
            foreach (var format in new[] { CookieSessionFormat.Connect, CookieSessionFormat.ExpressCookieSession, CookieSessionFormat.Protected, CookieSessionFormat.IronSession })
            {
                data.Add(format, policy, 40);
            }

            // Past one cookie (Protected and iron-session chunk), yet within the largest entry the cache keeps.
            data.Add(CookieSessionFormat.Protected, policy, 3500);
            data.Add(CookieSessionFormat.IronSession, policy, 3500);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Read_TheCookiesJustWrittenSentBack_IsACacheHitWithTheSameJson(CookieSessionFormat which, bool policy, int blobLength)
    {
        var keys = ProtectedHost.NewKeyFolder();
        try
        {
            using var services = KeyRingServices(keys);
            var options = new CookieSessionOptions { Format = which, Secret = Secret };
            var format = Format(options, services);
            var json = Encoding.UTF8.GetBytes("{\"n\":1,\"who\":\"é ü;, \\\"q\\\"\",\"blob\":\"" + new string('x', blobLength) + "\"}");
            var now = TimeProvider.System.GetUtcNow();

            var response = policy ? WithCookiePolicy() : new DefaultHttpContext();
            format.Write(response.Response, json, new SessionTimes(now, now), new CookieOptions { Path = "/", HttpOnly = true });

            if (blobLength > 3000)
            {
                Assert.True(response.Response.Headers.SetCookie.Count > 1, "Meant to be chunked.");
            }

            var request = new DefaultHttpContext();
            request.Request.Headers.Cookie = string.Join("; ", response.Response.Headers.SetCookie
                .Select(header => header!.Split(';')[0])
                .Where(pair => pair[(pair.IndexOf('=') + 1)..].Length > 0));
            var read = format.Read(request.Request);
            Assert.True(read.IsLoaded, $"{read.Rejection}");
            Assert.Equal(json, read.Json.ToArray());
            Assert.True(read.IsCached, "The value just written was not found in the cache.");
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    [Fact]
    public void Commit_RequestThatReadAWrittenValueFirstAndChangedIt_DropsThatValueAndKeepsTheNewOne()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var options = new CookieSessionOptions { Secret = Secret };
        var format = Format(options, services);
        var settings = new ResolvedOptions(options, format, NullLogger.Instance, TimeProvider.System);

        var seeded = Send(settings, cookie: null, session => session.Set("n", 1));
        var replaced = Send(settings, seeded, session => session.Set("n", session.Get<int>("n") + 1));

        var oldAgain = format.Read(WithCookie(seeded));
        Assert.True(oldAgain.IsLoaded);
        Assert.False(oldAgain.IsCached, "The value read and replaced was still in the cache.");
        Assert.True(format.Read(WithCookie(replaced)).IsCached);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Commit_RequestThatReadAWrittenValueFirstAndDroppedTheCookie_DropsThatValue(bool startsAnother)
    {
        // Connect's req.session = null: the cookie is deleted, or, with something stored afterwards, a new session written.
        using var services = new ServiceCollection().BuildServiceProvider();
        var options = new CookieSessionOptions { Secret = Secret };
        var format = Format(options, services);
        var settings = new ResolvedOptions(options, format, NullLogger.Instance, TimeProvider.System);
        var seeded = Send(settings, cookie: null, session => session.Set("n", 1));

        var set = Send(settings, seeded, session =>
        {
            _ = session.Get<int>("n");
            session.ClearCookie();
            if (startsAnother)
            {
                session.Set("m", 2);
            }
        });

        Assert.Equal(startsAnother, set.Length > "sid=".Length);
        var oldAgain = format.Read(WithCookie(seeded));
        Assert.True(oldAgain.IsLoaded);
        Assert.False(oldAgain.IsCached, "The value read and dropped was still in the cache.");
    }

    [Theory]
    [InlineData(CookieSessionFormat.Protected)]
    [InlineData(CookieSessionFormat.IronSession)]
    public void Write_ChunkedValueTooLargeForTheCache_IsNotKeptAndStillDropsTheValueItReplaces(CookieSessionFormat which)
    {
        var keys = ProtectedHost.NewKeyFolder();
        try
        {
            using var services = KeyRingServices(keys);
            var format = Format(new CookieSessionOptions { Format = which, Secret = Secret }, services);
            var now = TimeProvider.System.GetUtcNow();
            var small = Written(format, Encoding.UTF8.GetBytes("{\"n\":1}"), now, replacing: null);
            var read = format.Read(WithCookie(small));
            Assert.NotNull(read.FirstReadOfWritten);

            // Random bytes as hex, nothing a format could compress: a value of about 6.5 KB, within the default largest
            // chunked cookie, with its JSON over the cache's largest entry.
            var blob = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2400));
            var large = Written(format, Encoding.UTF8.GetBytes("{\"blob\":\"" + blob + "\"}"), now, read.FirstReadOfWritten);

            var largeAgain = format.Read(WithCookie(large));
            Assert.True(largeAgain.IsLoaded, $"{largeAgain.Rejection}");
            Assert.False(largeAgain.IsCached, "A value larger than the cache's largest entry was kept.");
            Assert.False(format.Read(WithCookie(small)).IsCached, "The value replaced was still in the cache.");
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    [Fact]
    public async Task Commit_TakenBackBeforeTheResponseStarted_DropsTheValueNoBrowserReceived()
    {
        // Committed as the request left, changed again as the response starts (MVC saves TempData so): only the second
        // value is sent, and the first must not wait in the cache for a browser that never had it.
        using var services = new ServiceCollection().BuildServiceProvider();
        var options = new CookieSessionOptions { Secret = Secret };
        var format = Format(options, services);
        var settings = new ResolvedOptions(options, format, NullLogger.Instance, TimeProvider.System);
        var response = new StartingResponseFeature();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseFeature>(response);

        var session = RequestSession.Enter(context, settings);
        session.Set("user", "ana");
        session.Leave();
        session.Set("late", 1);
        await response.StartAsync();

        // Connect's values are the same for the same JSON: the value taken back is the one a request setting only it gets.
        var elsewhere = Format(new CookieSessionOptions { Secret = Secret }, services);
        var takenBack = Send(new ResolvedOptions(options, elsewhere, NullLogger.Instance, TimeProvider.System), cookie: null, s => s.Set("user", "ana"));
        var sent = Assert.Single(context.Response.Headers.SetCookie)!.Split(';')[0];
        Assert.NotEqual(takenBack, sent);
        Assert.False(format.Read(WithCookie(takenBack)).IsCached, "The value taken back was still in the cache.");
        Assert.True(format.Read(WithCookie(sent)).IsCached);
    }

    [Theory]
    [InlineData(CookieSessionFormat.Connect)]
    [InlineData(CookieSessionFormat.ExpressCookieSession)]
    [InlineData(CookieSessionFormat.Protected)]
    [InlineData(CookieSessionFormat.IronSession)]
    public async Task Write_WithheldByTheCookiePolicyForLackOfConsent_KeepsTheValueTheBrowserStillHasAndCachesNotTheOneWithheld(CookieSessionFormat which)
    {
        var keys = ProtectedHost.NewKeyFolder();
        try
        {
            await using var services = KeyRingServices(keys);
            // One slot: a withheld value stored would take it from the one read (read, it holds no slot against writes).
            var options = new CookieSessionOptions { Format = which, Secret = Secret, VerifiedCookieCacheSize = 1 };
            var format = Format(options, services);
            var now = TimeProvider.System.GetUtcNow();
            var first = new DefaultHttpContext();
            format.Write(first.Response, "{\"n\":1}"u8, new SessionTimes(now, now), new CookieOptions { Path = "/" });
            var cookie = string.Join("; ", first.Response.Headers.SetCookie.Select(header => header!.Split(';')[0]));
            var read = format.Read(WithCookie(cookie));

            // The real cookie policy, asking for consent nobody gave.
            var app = new ApplicationBuilder(services);
            app.UseCookiePolicy(new CookiePolicyOptions { CheckConsentNeeded = _ => true });
            app.Run(context =>
            {
                format.Write(context.Response, "{\"n\":2}"u8, new SessionTimes(now, now), new CookieOptions { Path = "/" }, read.FirstReadOfWritten);
                return Task.CompletedTask;
            });
            var policed = new DefaultHttpContext { RequestServices = services };
            await app.Build()(policed);

            Assert.NotNull(read.FirstReadOfWritten);
            Assert.Equal(0, policed.Response.Headers.SetCookie.Count);
            Assert.True(format.Read(WithCookie(cookie)).IsCached, "The value the browser still has left the cache, or a value withheld took its slot.");
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    [Theory]
    [InlineData(CookieSessionFormat.Flask)]
    [InlineData(CookieSessionFormat.Django)]
    [InlineData(CookieSessionFormat.Protected)]
    public void Read_WrittenValueSentBack_HasTheTimesAMissGives(CookieSessionFormat which)
    {
        // What OnValidateSession sees as CreatedAt and IssuedAt must not depend on whether this process wrote the value.
        var keys = ProtectedHost.NewKeyFolder();
        try
        {
            using var services = KeyRingServices(keys);
            WireFormat Create(int cacheSize) => Format(new CookieSessionOptions { Format = which, Secret = Secret, VerifiedCookieCacheSize = cacheSize }, services);

            var cached = Create(16);
            var now = TimeProvider.System.GetUtcNow();
            var response = new DefaultHttpContext().Response;
            cached.Write(response, "{\"n\":1}"u8, new SessionTimes(now.AddMinutes(-5), now), new CookieOptions { Path = "/" });
            var cookie = string.Join("; ", response.Headers.SetCookie.Select(header => header!.Split(';')[0]));

            var hit = cached.Read(WithCookie(cookie));
            var miss = Create(0).Read(WithCookie(cookie));

            Assert.True(hit.IsCached);
            Assert.NotNull(miss.Times);
            Assert.Equal(miss.Times, hit.Times);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    [Theory]
    [InlineData(CookieSessionFormat.Connect, false, false)]
    [InlineData(CookieSessionFormat.Flask, false, true)]
    [InlineData(CookieSessionFormat.Django, false, true)]
    [InlineData(CookieSessionFormat.Protected, true, true)]
    public async Task OnValidateSession_ValueThisProcessWroteAndTheSameFromElsewhere_SeeTheSameTimes(CookieSessionFormat which, bool hasCreatedAt, bool hasIssuedAt)
    {
        // Flask's and Django's values carry when they were signed only: never a creation time, whether cached or not.
        var keys = ProtectedHost.NewKeyFolder();
        try
        {
            await using var services = KeyRingServices(keys);
            ResolvedOptions Settings(int cacheSize)
            {
                var options = new CookieSessionOptions { Format = which, Secret = Secret, VerifiedCookieCacheSize = cacheSize };
                var format = Format(options, services);
                return new ResolvedOptions(options, format, NullLogger.Instance, TimeProvider.System);
            }

            var cached = Settings(16);
            var cookie = Send(cached, cookie: null, session => session.Set("n", 1));

            var hit = await TimesSeenAsync(cached, cookie);
            var miss = await TimesSeenAsync(Settings(0), cookie);

            Assert.Equal(miss, hit);
            Assert.Equal(hasCreatedAt, hit.CreatedAt is not null);
            Assert.Equal(hasIssuedAt, hit.IssuedAt is not null);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    private static async Task<(DateTimeOffset? CreatedAt, DateTimeOffset? IssuedAt)> TimesSeenAsync(ResolvedOptions settings, string cookie)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = cookie;
        var session = RequestSession.Enter(context, settings);
        (DateTimeOffset?, DateTimeOffset?) seen = default;
        await session.ValidateAsync(validation =>
        {
            seen = (validation.CreatedAt, validation.IssuedAt);
            return Task.CompletedTask;
        });
        session.Leave();
        return seen;
    }

    /// <summary>Data Protection with its keys in <paramref name="keys"/>, and logging, which the cookie policy needs.</summary>
    private static ServiceProvider KeyRingServices(string keys)
        => new ServiceCollection()
            .AddLogging()
            .AddDataProtection().SetApplicationName("tests").PersistKeysToFileSystem(new DirectoryInfo(keys)).Services
            .AddSingleton<KeyRingMonitor>()
            .BuildServiceProvider();

    /// <summary>The format <paramref name="options"/> ask for, its cookie named <c>sid</c>, with its keys and cache.</summary>
    private static WireFormat Format(CookieSessionOptions options, IServiceProvider services)
    {
        options.Cookie.Name = "sid";
        return WireFormat.Create(options, new SecretsReload(Microsoft.Extensions.Options.Options.DefaultName, options, services, NullLogger.Instance), TimeProvider.System, NullLogger.Instance, services);
    }

    /// <summary>One request through the session's lifecycle: entered with <paramref name="cookie"/>, handled, left; the cookie it set.</summary>
    private static string Send(ResolvedOptions settings, string? cookie, Action<RequestSession> handle)
    {
        var context = new DefaultHttpContext();
        if (cookie is not null)
        {
            context.Request.Headers.Cookie = cookie;
        }

        var session = RequestSession.Enter(context, settings);
        handle(session);
        session.Leave();
        return Assert.Single(context.Response.Headers.SetCookie)!.Split(';')[0];
    }

    /// <summary>The cookies <paramref name="format"/> writes for <paramref name="json"/>, as a browser sends them back.</summary>
    private static string Written(WireFormat format, byte[] json, DateTimeOffset now, VerifiedCookieCache.Entry? replacing)
    {
        var context = new DefaultHttpContext();
        format.Write(context.Response, json, new SessionTimes(now, now), new CookieOptions { Path = "/" }, replacing);
        return string.Join("; ", context.Response.Headers.SetCookie.Select(header => header!.Split(';')[0]));
    }

    private static HttpRequest WithCookie(string cookie)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Cookie = cookie;
        return request;
    }

    public static TheoryData<string, string> OnlyATreeReads => new()
    {
        // JSON.parse: the last value of a repeated key, in the place of the first.
        { """{"a":1,"a":2}""", "a=2" },

        // JSON.parse: integer-like keys first, ascending.
        { """{"b":1,"1":2}""", "1=2,b=1" },
    };

    [Theory]
    [MemberData(nameof(OnlyATreeReads))]
    public async Task Rolling_SameCookieSentAgain_ReadsAsJsonParseDoes(string json, string expected)
    {
        await using var host = await SessionTestHost.StartAsync(DescribeSession, o => o.Rolling = true);
        var cookie = TestSigning.SessionCookie(json);

        var first = await host.SendAsync(cookie: cookie);
        var second = await host.SendAsync(cookie: cookie);

        Assert.Equal(expected, first.Body);
        Assert.Equal(expected, second.Body);
    }

    [Theory]
    [MemberData(nameof(OnlyATreeReads))]
    public async Task OlderSecret_ResignedCookieSentBack_ReadsAsJsonParseDoes(string json, string expected)
    {
        await using var host = await SessionTestHost.StartAsync(DescribeSession, o => o.Secrets = ["the new secret", SessionTestHost.Secret], services: null, withDefaultSecret: false);
        var jar = new CookieJar();
        jar.Set(CookieSessionDefaults.CookieName, TestSigning.SessionCookie(json).Split('=', 2)[1]);

        var first = await jar.SendAsync(host);
        var second = await jar.SendAsync(host);

        Assert.NotNull(first.SessionCookie());
        Assert.Equal(expected, first.Body);
        Assert.Equal(expected, second.Body);
    }

    /// <summary>Answers the session's keys and values, in its order: "key=json,...".</summary>
    private static Task DescribeSession(HttpContext context)
    {
        var session = context.GetCookieSession();
        return context.Response.WriteAsync(string.Join(",", session.Keys.Select(k => k + "=" + session.Get<JsonNode>(k)?.ToJsonString())));
    }

    private static DefaultHttpContext WithCookiePolicy()
    {
        var context = new DefaultHttpContext();
        var feature = new ResponseCookiesFeature(context.Features);

        // What CookiePolicyMiddleware installs: Response.Cookies wrapped by the policy (one that changes no attribute:
        // ChunkingUnderCookiePolicyTests has those).
        var wrapperType = typeof(CookiePolicyOptions).Assembly.GetType("Microsoft.AspNetCore.CookiePolicy.ResponseCookiesWrapper", throwOnError: true)!;
        var wrapper = (IResponseCookies)Activator.CreateInstance(wrapperType, context, new CookiePolicyOptions(), feature, NullLogger.Instance)!;
        context.Features.Set<IResponseCookiesFeature>(new WrappedCookiesFeature(wrapper));
        return context;
    }

    /// <summary>A response whose <c>OnStarting</c> callbacks run, as a server runs them, when the test starts it.</summary>
    private sealed class StartingResponseFeature : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _onStarting = [];

        public override void OnStarting(Func<object, Task> callback, object state) => _onStarting.Add((callback, state));

        public async Task StartAsync()
        {
            for (var i = _onStarting.Count - 1; i >= 0; i--)
            {
                await _onStarting[i].Callback(_onStarting[i].State);
            }
        }
    }

    private sealed class WrappedCookiesFeature(IResponseCookies cookies) : IResponseCookiesFeature
    {
        public IResponseCookies Cookies => cookies;
    }
}
