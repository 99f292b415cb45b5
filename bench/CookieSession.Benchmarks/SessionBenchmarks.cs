using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Benchmarks;

/// <summary>
/// The per-request cost of the middleware against the floor, one HMAC-SHA256 of the same payload with a
/// reused key, and against ASP.NET Core's own session (AddSession() with AddDistributedMemoryCache()), in one
/// table. A read-only request verifies one HMAC; a read-modify-write request verifies one and signs one.
/// </summary>
[MemoryDiagnoser]
public class SessionBenchmarks
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(SessionPayload.Secret);
    private readonly byte[] _payload = Encoding.UTF8.GetBytes("j:" + SessionPayload.Json);
    private readonly byte[] _mac = new byte[32];
    private IncrementalHash _hmac = null!;
    private RequestHarness _bare = null!;
    private RequestHarness _noCookie = null!;
    private RequestHarness _readOnly = null!;
    private RequestHarness _readModifyWrite = null!;
    private RequestHarness _readModifyWriteSentBack = null!;
    private RequestHarness _expressReadModifyWriteSentBack = null!;
    private RequestHarness _tampered = null!;
    private RequestHarness _aspNetReadOnly = null!;
    private RequestHarness _aspNetUntouched = null!;
    private RequestHarness _featureOnly = null!;
    private RequestHarness _aspNetReadModifyWrite = null!;
    private RequestHarness _readOnlyFirstSight = null!;
    private RequestHarness _expressReadOnlyFirstSight = null!;
    private RequestHarness _protectedReadOnlyFirstSight = null!;
    private ServiceProvider _uncachedServices = null!;
    private ServiceProvider _expressUncachedServices = null!;
    private ServiceProvider _protectedUncachedServices = null!;
    private string _keys = null!;
    private RequestHarness _ironReadOnly = null!;
    private RequestHarness _ironReadOnlyFirstSight = null!;
    private RequestHarness _ironReadModifyWrite = null!;
    private ServiceProvider _ironServices = null!;
    private ServiceProvider _ironUncachedServices = null!;
    private RequestHarness _protectedGcmReadModifyWrite = null!;
    private ServiceProvider _protectedGcmServices = null!;
    private RequestHarness _expressReadOnly = null!;
    private RequestHarness _expressReadModifyWrite = null!;
    private RequestHarness _protectedReadOnly = null!;
    private RequestHarness _protectedReadModifyWrite = null!;
    private ServiceProvider _services = null!;
    private ServiceProvider _expressServices = null!;
    private ServiceProvider _protectedServices = null!;
    private readonly Dictionary<CookieSessionFormat, PeerHarnesses> _peers = [];

    [GlobalSetup]
    public void Setup()
    {
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        _services = new ServiceCollection()
            .AddLogging()
            .AddCookieSession(o => o.Secret = SessionPayload.Secret)
            .AddDistributedMemoryCache()
            .AddSession()
            .BuildServiceProvider();

        var cookie = "connect.sess=" + Uri.EscapeDataString("s:j:" + SessionPayload.Json + "." + Mac(SessionPayload.Secret, "j:" + SessionPayload.Json));
        // The harness alone: what every row below pays before the middleware does anything.
        var bare = new ApplicationBuilder(_services);
        bare.Run(static _ => Task.CompletedTask);
        _bare = new RequestHarness(bare.Build(), _services, null);
        _noCookie = CookieSession(static _ => Task.CompletedTask, null);
        _readOnly = CookieSession(static context =>
        {
            _ = context.GetCookieSession().Get<string>("name") ?? throw new InvalidOperationException("session not loaded");
            return Task.CompletedTask;
        }, cookie);
        _readModifyWrite = CookieSession(static context =>
        {
            var session = context.GetCookieSession();
            session.Set("counter", session.Get<int>("counter") + 1);
            return Task.CompletedTask;
        }, cookie);
        _readModifyWriteSentBack = ReadModifyWriteSentBack(_services);
        _tampered = CookieSession(static context =>
        {
            _ = context.GetCookieSession().Get<string>("name");
            return Task.CompletedTask;
        }, cookie.Replace("Ada", "Bob", StringComparison.Ordinal));

        // "First sight": the cache of verified values off, so that every read verifies (or decrypts) the cookie,
        // as for a cookie this process has not seen before.
        _uncachedServices = new ServiceCollection()
            .AddLogging()
            .AddCookieSession(o =>
            {
                o.Secret = SessionPayload.Secret;
                o.VerifiedCookieCacheSize = 0;
            })
            .BuildServiceProvider();
        _readOnlyFirstSight = ReadAndReadModifyWrite(_uncachedServices).ReadOnly;

        // The other formats: the same session, written once by the format itself, then read or changed.
        _expressServices = Express(cacheSize: CookieSessionDefaults.VerifiedCookieCacheSize);
        (_expressReadOnly, _expressReadModifyWrite) = ReadAndReadModifyWrite(_expressServices);
        _expressReadModifyWriteSentBack = ReadModifyWriteSentBack(_expressServices);
        _expressUncachedServices = Express(cacheSize: 0);
        _expressReadOnlyFirstSight = ReadAndReadModifyWrite(_expressUncachedServices).ReadOnly;

        // Protected: Data Protection as AddDataProtection sets it up, with its keys in a folder of the run's own.
        _keys = Path.Combine(Path.GetTempPath(), "cookiesession-bench-keys-" + Guid.NewGuid().ToString("N"));
        _protectedServices = Protected(cacheSize: CookieSessionDefaults.VerifiedCookieCacheSize);
        (_protectedReadOnly, _protectedReadModifyWrite) = ReadAndReadModifyWrite(_protectedServices);
        _ironServices = Iron(cacheSize: CookieSessionDefaults.VerifiedCookieCacheSize);
        (_ironReadOnly, _ironReadModifyWrite) = ReadAndReadModifyWrite(_ironServices);
        _ironUncachedServices = Iron(cacheSize: 0);
        _ironReadOnlyFirstSight = ReadAndReadModifyWrite(_ironUncachedServices).ReadOnly;
        _protectedGcmServices = Protected(cacheSize: CookieSessionDefaults.VerifiedCookieCacheSize, gcm: true);
        _protectedGcmReadModifyWrite = ReadAndReadModifyWrite(_protectedGcmServices).ReadModifyWrite;
        _protectedUncachedServices = Protected(cacheSize: 0);
        _protectedReadOnlyFirstSight = ReadAndReadModifyWrite(_protectedUncachedServices).ReadOnly;

        // The peers' formats (Rails, Flask, Django): each with its cache, and without for first sight.
        foreach (var format in new[] { CookieSessionFormat.Rails, CookieSessionFormat.Flask, CookieSessionFormat.Django })
        {
            var cached = PeerFormat(format, CookieSessionDefaults.VerifiedCookieCacheSize);
            var uncached = PeerFormat(format, cacheSize: 0);
            var (read, readModifyWrite) = ReadAndReadModifyWrite(cached);
            _peers[format] = new PeerHarnesses(cached, uncached, read, ReadAndReadModifyWrite(uncached).ReadOnly, readModifyWrite);
        }

        // ASP.NET's session: create it once, as a visitor's first request would, and keep its cookie.
        var seed = AspNetSession(static context =>
        {
            var session = context.Session;
            session.SetString("userId", "7f1c2a9e-4b3d-4c8e-9a61-0d5e2f7b8c34");
            session.SetString("name", "Ada Lovelace");
            session.SetString("roles", "[\"admin\",\"editor\",\"viewer\"]");
            session.SetInt32("counter", 41);
            session.SetString("csrf", "kW3p9sQ2vX7yZ1aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT");
            return Task.CompletedTask;
        }, null);
        seed.RunAsync().GetAwaiter().GetResult();
        var aspNetCookie = seed.SetCookie?.Split(';')[0] ?? throw new InvalidOperationException("no ASP.NET session cookie");
        // What any middleware offering ISessionFeature pays in this harness before doing anything of its own: the
        // feature set as the request enters and the one found put back as it leaves (ASP.NET's own session
        // middleware does the same), and the context's feature cache refetched after each change.
        var featureOnly = new ApplicationBuilder(_services);
        featureOnly.Use(static (context, next) =>
        {
            var features = context.Features;
            var previous = features[typeof(ISessionFeature)];
            features[typeof(ISessionFeature)] = StaticSessionFeature.Instance;
            var task = next(context);
            features[typeof(ISessionFeature)] = previous;
            return task;
        });
        featureOnly.Run(static _ => Task.CompletedTask);
        _featureOnly = new RequestHarness(featureOnly.Build(), _services, null);
        _aspNetUntouched = AspNetSession(static _ => Task.CompletedTask, null);
        _aspNetReadOnly = AspNetSession(static context =>
        {
            _ = context.Session.GetString("name") ?? throw new InvalidOperationException("session not loaded");
            return Task.CompletedTask;
        }, aspNetCookie);
        _aspNetReadModifyWrite = AspNetSession(static context =>
        {
            var session = context.Session;
            session.SetInt32("counter", (session.GetInt32("counter") ?? 0) + 1);
            return Task.CompletedTask;
        }, aspNetCookie);

        // Check once that each harness does what its name says.
        Expect(_readOnly, setCookie: false);
        Expect(_readModifyWrite, setCookie: true);
        Expect(_readModifyWriteSentBack, setCookie: true);
        Expect(_expressReadModifyWriteSentBack, setCookie: true);
        Expect(_tampered, setCookie: false);
        Expect(_aspNetReadOnly, setCookie: false);
        Expect(_aspNetReadModifyWrite, setCookie: false);
        Expect(_readOnlyFirstSight, setCookie: false);
        Expect(_expressReadOnlyFirstSight, setCookie: false);
        Expect(_protectedReadOnlyFirstSight, setCookie: false);
        Expect(_protectedGcmReadModifyWrite, setCookie: true);
        Expect(_ironReadOnly, setCookie: false);
        Expect(_ironReadOnlyFirstSight, setCookie: false);
        Expect(_ironReadModifyWrite, setCookie: true);
        Expect(_expressReadOnly, setCookie: false);
        Expect(_expressReadModifyWrite, setCookie: true);
        Expect(_protectedReadOnly, setCookie: false);
        Expect(_protectedReadModifyWrite, setCookie: true);
        foreach (var peer in _peers.Values)
        {
            Expect(peer.ReadOnly, setCookie: false);
            Expect(peer.FirstSight, setCookie: false);
            Expect(peer.ReadModifyWrite, setCookie: true);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hmac.Dispose();
        _services.Dispose();
        _expressServices.Dispose();
        _protectedServices.Dispose();
        _uncachedServices.Dispose();
        _expressUncachedServices.Dispose();
        _protectedUncachedServices.Dispose();
        _protectedGcmServices.Dispose();
        _ironServices.Dispose();
        _ironUncachedServices.Dispose();
        foreach (var peer in _peers.Values)
        {
            peer.Services.Dispose();
            peer.UncachedServices.Dispose();
        }

        Directory.Delete(_keys, recursive: true);
        Directory.Delete(_keys + "-gcm", recursive: true);
    }

    [Benchmark(Baseline = true, Description = "floor: one HMAC-SHA256, reused key")]
    public byte[] HmacFloor()
    {
        _hmac.AppendData(_payload);
        _hmac.GetHashAndReset(_mac);
        return _mac;
    }

    [Benchmark(Description = "one HMAC-SHA256, keyed each time (HashData)")]
    public byte[] HmacOneShot()
    {
        HMACSHA256.HashData(_key, _payload, _mac);
        return _mac;
    }

    [Benchmark(Description = "bare pipeline: no middleware")]
    public Task Bare() => _bare.RunAsync();

    [Benchmark(Description = "no cookie, session untouched")]
    public Task NoCookie() => _noCookie.RunAsync();

    [Benchmark(Description = "reference: ISessionFeature set and put back, nothing else")]
    public Task FeatureOnly() => _featureOnly.RunAsync();

    [Benchmark(Description = "ASP.NET AddSession: no cookie, session untouched")]
    public Task AspNetUntouched() => _aspNetUntouched.RunAsync();

    [Benchmark(Description = "read only")]
    public Task ReadOnly() => _readOnly.RunAsync();

    [Benchmark(Description = "read only, first sight (no cache)")]
    public Task ReadOnlyFirstSight() => _readOnlyFirstSight.RunAsync();

    [Benchmark(Description = "read-modify-write")]
    public Task ReadModifyWrite() => _readModifyWrite.RunAsync();

    [Benchmark(Description = "read-modify-write, cookie sent back")]
    public Task ReadModifyWriteSentBack() => _readModifyWriteSentBack.RunAsync();

    [Benchmark(Description = "tampered cookie")]
    public Task Tampered() => _tampered.RunAsync();

    [Benchmark(Description = "Express cookie-session: read only")]
    public Task ExpressReadOnly() => _expressReadOnly.RunAsync();

    [Benchmark(Description = "Express cookie-session: read only, first sight")]
    public Task ExpressReadOnlyFirstSight() => _expressReadOnlyFirstSight.RunAsync();

    [Benchmark(Description = "Express cookie-session: read-modify-write")]
    public Task ExpressReadModifyWrite() => _expressReadModifyWrite.RunAsync();

    [Benchmark(Description = "Express cookie-session: read-modify-write, cookie sent back")]
    public Task ExpressReadModifyWriteSentBack() => _expressReadModifyWriteSentBack.RunAsync();

    [Benchmark(Description = "Protected: read only")]
    public Task ProtectedReadOnly() => _protectedReadOnly.RunAsync();

    [Benchmark(Description = "Protected: read only, first sight")]
    public Task ProtectedReadOnlyFirstSight() => _protectedReadOnlyFirstSight.RunAsync();

    [Benchmark(Description = "Protected: read-modify-write")]
    public Task ProtectedReadModifyWrite() => _protectedReadModifyWrite.RunAsync();

    [Benchmark(Description = "Protected, AES-256-GCM keys: read-modify-write")]
    public Task ProtectedGcmReadModifyWrite() => _protectedGcmReadModifyWrite.RunAsync();

    [Benchmark(Description = "iron-session: read only")]
    public Task IronReadOnly() => _ironReadOnly.RunAsync();

    [Benchmark(Description = "iron-session: read only, first sight")]
    public Task IronReadOnlyFirstSight() => _ironReadOnlyFirstSight.RunAsync();

    [Benchmark(Description = "iron-session: read-modify-write")]
    public Task IronReadModifyWrite() => _ironReadModifyWrite.RunAsync();

    [Benchmark(Description = "Rails: read only")]
    public Task RailsReadOnly() => _peers[CookieSessionFormat.Rails].ReadOnly.RunAsync();

    [Benchmark(Description = "Rails: read only, first sight")]
    public Task RailsReadOnlyFirstSight() => _peers[CookieSessionFormat.Rails].FirstSight.RunAsync();

    [Benchmark(Description = "Rails: read-modify-write")]
    public Task RailsReadModifyWrite() => _peers[CookieSessionFormat.Rails].ReadModifyWrite.RunAsync();

    [Benchmark(Description = "Flask: read only")]
    public Task FlaskReadOnly() => _peers[CookieSessionFormat.Flask].ReadOnly.RunAsync();

    [Benchmark(Description = "Flask: read only, first sight")]
    public Task FlaskReadOnlyFirstSight() => _peers[CookieSessionFormat.Flask].FirstSight.RunAsync();

    [Benchmark(Description = "Flask: read-modify-write")]
    public Task FlaskReadModifyWrite() => _peers[CookieSessionFormat.Flask].ReadModifyWrite.RunAsync();

    [Benchmark(Description = "Django: read only")]
    public Task DjangoReadOnly() => _peers[CookieSessionFormat.Django].ReadOnly.RunAsync();

    [Benchmark(Description = "Django: read only, first sight")]
    public Task DjangoReadOnlyFirstSight() => _peers[CookieSessionFormat.Django].FirstSight.RunAsync();

    [Benchmark(Description = "Django: read-modify-write")]
    public Task DjangoReadModifyWrite() => _peers[CookieSessionFormat.Django].ReadModifyWrite.RunAsync();

    [Benchmark(Description = "ASP.NET AddSession: read only")]
    public Task AspNetReadOnly() => _aspNetReadOnly.RunAsync();

    [Benchmark(Description = "ASP.NET AddSession: read-modify-write")]
    public Task AspNetReadModifyWrite() => _aspNetReadModifyWrite.RunAsync();

    private RequestHarness CookieSession(RequestDelegate handler, string? cookie)
    {
        var app = new ApplicationBuilder(_services);
        app.UseCookieSession();
        app.Run(handler);
        return new RequestHarness(app.Build(), _services, cookie);
    }

    /// <summary>The harnesses of the cases that <see cref="RequestScaling"/> runs on several threads at once, by case name.</summary>
    internal IReadOnlyDictionary<string, RequestHarness> ScalingCases() => new Dictionary<string, RequestHarness>
    {
        ["read only"] = _readOnly,
        ["read only, first sight"] = _readOnlyFirstSight,
        ["read-modify-write"] = _readModifyWrite,
        ["express read-modify-write"] = _expressReadModifyWrite,
        ["protected first sight"] = _protectedReadOnlyFirstSight,
        ["protected read-modify-write"] = _protectedReadModifyWrite,
    };

    /// <summary>Data Protection alone: what the Protected format's write pays to the framework (for --quick).</summary>
    internal byte[] ProtectOnly()
        => _protectedServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("CookieSession.Protected.v1", "connect.sess")
            .Protect(System.Text.Encoding.UTF8.GetBytes("12345678901234567" + SessionPayload.Json));

    private static ServiceProvider Express(int cacheSize)
        => new ServiceCollection()
            .AddLogging()
            .AddCookieSession(o =>
            {
                o.Format = CookieSessionFormat.ExpressCookieSession;
                o.Secret = SessionPayload.Secret;
                o.VerifiedCookieCacheSize = cacheSize;
            })
            .BuildServiceProvider();

    private static ServiceProvider PeerFormat(CookieSessionFormat format, int cacheSize)
        => new ServiceCollection()
            .AddLogging()
            .AddCookieSession(o =>
            {
                o.Format = format;
                o.Secret = SessionPayload.Secret;
                o.VerifiedCookieCacheSize = cacheSize;
                if (format == CookieSessionFormat.Rails)
                {
                    // Rails has no default cookie name.
                    o.Cookie.Name = "_bench_session";
                }
            })
            .BuildServiceProvider();

    private static ServiceProvider Iron(int cacheSize)
        => new ServiceCollection()
            .AddLogging()
            .AddCookieSession(o =>
            {
                o.Format = CookieSessionFormat.IronSession;
                o.Secret = SessionPayload.Secret;
                o.VerifiedCookieCacheSize = cacheSize;
            })
            .BuildServiceProvider();

    private ServiceProvider Protected(int cacheSize, bool gcm = false)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddCookieSession(o =>
            {
                o.Format = CookieSessionFormat.Protected;
                o.IdleTimeout = TimeSpan.FromMinutes(20);
                o.AbsoluteTimeout = TimeSpan.FromHours(8);
                o.VerifiedCookieCacheSize = cacheSize;
            });
        var dataProtection = services.AddDataProtection().SetApplicationName("benchmarks")
            .PersistKeysToFileSystem(new DirectoryInfo(gcm ? _keys + "-gcm" : _keys));
        if (gcm)
        {
            // Data Protection's authenticated AES-GCM instead of its default AES-CBC with HMAC-SHA256.
            dataProtection.UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration
            {
                EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM,
                ValidationAlgorithm = ValidationAlgorithm.HMACSHA256,
            });
        }

        return services.BuildServiceProvider();
    }

    /// <summary>Harnesses for a format: its cookie for the session is written once by the format itself.</summary>
    private static (RequestHarness ReadOnly, RequestHarness ReadModifyWrite) ReadAndReadModifyWrite(IServiceProvider services)
    {
        var cookie = SeedCookie(services);
        return (
            Session(services, static context =>
            {
                _ = context.GetCookieSession().Get<string>("name") ?? throw new InvalidOperationException("session not loaded");
                return Task.CompletedTask;
            }, cookie),
            Session(services, static context =>
            {
                var session = context.GetCookieSession();
                session.Set("counter", session.Get<int>("counter") + 1);
                return Task.CompletedTask;
            }, cookie));
    }

    /// <summary>
    /// A read-modify-write whose every request sends the cookie the last one set, as a browser does: each write a new
    /// value, which the next request finds in the cache as written. The read-modify-write above sends the seeded cookie
    /// every time, so its writes are all the same value.
    /// </summary>
    private static RequestHarness ReadModifyWriteSentBack(IServiceProvider services)
        => Session(services, static context =>
        {
            // The seeded session's counter is 41: none means the cookie sent back was not loaded.
            var session = context.GetCookieSession();
            var counter = session.Get<int>("counter");
            session.Set("counter", counter > 0 ? counter + 1 : throw new InvalidOperationException("session not loaded"));
            return Task.CompletedTask;
        }, SeedCookie(services), sendsBack: true);

    /// <summary>The benchmarks' session, written once by the format itself: the Cookie header that sends it.</summary>
    private static string SeedCookie(IServiceProvider services)
    {
        var seed = Session(services, static context =>
        {
            var session = context.GetCookieSession();
            foreach (var (key, value) in System.Text.Json.Nodes.JsonNode.Parse(SessionPayload.Json)!.AsObject())
            {
                session[key] = value?.DeepClone();
            }

            return Task.CompletedTask;
        }, null);
        seed.RunAsync().GetAwaiter().GetResult();
        return string.Join("; ", seed.Context.Response.Headers.SetCookie.Select(h => h!.Split(';')[0]));
    }

    private static RequestHarness Session(IServiceProvider services, RequestDelegate handler, string? cookie, bool sendsBack = false)
    {
        var app = new ApplicationBuilder(services);
        app.UseCookieSession();
        app.Run(handler);
        return new RequestHarness(app.Build(), services, cookie, sendsBack);
    }

    private RequestHarness AspNetSession(RequestDelegate handler, string? cookie)
    {
        var app = new ApplicationBuilder(_services);
        app.UseSession();
        app.Run(handler);
        return new RequestHarness(app.Build(), _services, cookie);
    }

    private static void Expect(RequestHarness harness, bool setCookie)
    {
        harness.RunAsync().GetAwaiter().GetResult();
        if ((harness.SetCookie is not null) != setCookie)
        {
            throw new InvalidOperationException($"expected setCookie={setCookie}, got '{harness.SetCookie}'");
        }
    }

    private static string Mac(string secret, string value)
        => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(value))).TrimEnd('=');

    /// <summary>A session feature that is only there, for the reference row.</summary>
    private sealed class StaticSessionFeature : ISessionFeature
    {
        public static readonly StaticSessionFeature Instance = new();

        public ISession Session { get; set; } = null!;
    }

    /// <summary>A peer format's harnesses and the services they run on.</summary>
    private sealed record PeerHarnesses(ServiceProvider Services, ServiceProvider UncachedServices, RequestHarness ReadOnly, RequestHarness FirstSight, RequestHarness ReadModifyWrite);
}
