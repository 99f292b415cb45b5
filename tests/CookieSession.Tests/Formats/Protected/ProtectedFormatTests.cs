using System.Buffers;
using System.Buffers.Text;
using System.Text;
using CookieSession.Formats;
using CookieSession.Formats.Protected;
using CookieSession.Json;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Formats.Protected;

/// <summary>
/// The Protected format's behaviour, run twice: over Data Protection's own protector, with the key ring watched
/// (<see cref="KeyRingDataKeyProtector"/>), and over a plain <see cref="IDataProtector"/> (<see cref="PlainDataKeyProtector"/>).
/// </summary>
public abstract class ProtectedFormatTests
{
    private const string Name = CookieSessionDefaults.ProtectedCookieName;

    /// <summary>The application's Data Protection provider is a plain one: no key ring can be watched.</summary>
    protected abstract bool Plain { get; }

    private Task<SessionTestHost> StartAsync(
        RequestDelegate handler,
        Action<CookieSessionOptions>? configure = null,
        string? keys = null,
        string application = "tests",
        Action<IServiceCollection>? services = null)
        => ProtectedHost.StartAsync(handler, configure, keys, application, services, Plain);

    [Fact]
    public async Task Write_ThenRead_RoundTripsAndHidesTheJson()
    {
        await using var host = await StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Set("user", "ana-the-secret-agent");
            await ProtectedHost.Counter(context);
        });
        var jar = new CookieJar();

        var first = await jar.SendAsync(host);
        var second = await jar.SendAsync(host);

        Assert.Equal("1", first.Body);
        Assert.Equal("2", second.Body);
        var value = jar.Cookies[Name];
        Assert.StartsWith("AQ", value, StringComparison.Ordinal); // version 1
        Assert.DoesNotContain("ana", value, StringComparison.Ordinal);
        Assert.DoesNotContain("ana", Encoding.UTF8.GetString(Convert.FromBase64String(ToBase64(value))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithoutASecret_Works()
    {
        await using var host = await StartAsync(ProtectedHost.Counter);
        Assert.Equal("1", (await host.SendAsync()).Body);
    }

    [Fact]
    public async Task Read_UnderAnotherCookieName_IsRefused()
    {
        var keys = ProtectedHost.NewKeyFolder();
        await using var writer = await StartAsync(ProtectedHost.Counter, keys: keys);
        await using var reader = await StartAsync(ProtectedHost.Reader, o => o.Cookie.Name = "other", keys: keys);
        var written = (await writer.SendAsync()).SessionCookie(CookieSessionDefaults.ProtectedCookieName)!.Value.Value;

        var read = await reader.SendAsync(cookie: "other=" + written);

        Assert.Equal("0", read.Body);
        Assert.Contains("Undecryptable", Assert.Single(reader.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_AnotherDataProtectionPayload_IsRefused()
    {
        var keys = ProtectedHost.NewKeyFolder();
        string? foreign = null;
        await using var host = await StartAsync(
            async context =>
            {
                // A well-formed cookie whose key was protected for another purpose (an auth ticket's, say): the same
                // key ring, so only the purpose keeps it out.
                var provider = context.RequestServices.GetRequiredService<IDataProtectionProvider>();
                var now = DateTimeOffset.UtcNow;
                foreign ??= ProtectedCookie.Seal(provider, Name, "{\"n\":41}"u8, now, now, purpose: "Microsoft.AspNetCore.Authentication.Cookies");
                await ProtectedHost.Reader(context);
            },
            keys: keys);
        await host.SendAsync();

        var read = await host.SendAsync(cookie: $"{Name}={foreign}");

        Assert.Equal("0", read.Body);
        Assert.Contains("Undecryptable", Assert.Single(host.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tamper", "Undecryptable")]
    [InlineData("not base64url!", "MalformedEncoding")]
    [InlineData("", "UnknownVersion")]
    [InlineData("chunks-0", "MalformedChunks")]
    [InlineData("chunks-17", "MalformedChunks")]
    [InlineData("chunks-999999999", "MalformedChunks")]
    [InlineData("chunks-2", "MalformedChunks")]
    [InlineData("chunks-x", "MalformedChunks")]
    public async Task Read_BadCookie_EmptySessionWithReason(string kind, string reason)
    {
        await using var host = await StartAsync(ProtectedHost.Reader);
        var written = await (await StartAsync(ProtectedHost.Counter)).SendAsync();
        var value = kind == "tamper" ? Flip((await WriteWith(host)).Value) : kind;

        var read = await host.SendAsync(cookie: $"{Name}={value}");

        Assert.Equal(System.Net.HttpStatusCode.OK, read.Status);
        Assert.Equal("0", read.Body);
        var rejected = Assert.Single(host.LogsOf("CookieRejected"));
        Assert.Contains(reason, rejected.Message, StringComparison.Ordinal);
        Assert.NotNull(written.SessionCookie(CookieSessionDefaults.ProtectedCookieName));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData("+")]
    [InlineData("=")]
    [InlineData("%41")]
    public async Task Read_ValueWithACharacterOutsideBase64Url_IsRefused(string inserted)
    {
        await using var host = await StartAsync(ProtectedHost.Reader);
        var value = (await WriteWith(host)).Value;
        var altered = value.Insert(value.Length / 2, inserted);

        var read = await host.SendAsync(cookie: $"{Name}={altered}");

        Assert.Equal(System.Net.HttpStatusCode.OK, read.Status);
        Assert.Equal("0", read.Body);
        Assert.Contains("MalformedEncoding", Assert.Single(host.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idle_RenewedOnlyAfterHalfAndRefusedAfterWhole()
    {
        await using var host = await StartAsync(ProtectedHost.Reader, o => o.IdleTimeout = TimeSpan.FromMinutes(20));
        var jar = new CookieJar();
        jar.Set(Name, (await WriteWith(host)).Value);

        host.Time.Advance(TimeSpan.FromMinutes(9));
        var early = await jar.SendAsync(host);
        host.Time.Advance(TimeSpan.FromMinutes(2));
        var late = await jar.SendAsync(host);
        host.Time.Advance(TimeSpan.FromMinutes(19));
        var stillActive = await jar.SendAsync(host);
        host.Time.Advance(TimeSpan.FromMinutes(21));
        var idle = await jar.SendAsync(host);

        Assert.Equal("5", early.Body);
        Assert.Empty(early.SetCookies);
        Assert.Equal("5", late.Body);
        Assert.NotNull(late.SessionCookie(CookieSessionDefaults.ProtectedCookieName));
        Assert.Equal("5", stillActive.Body);
        Assert.NotNull(stillActive.SessionCookie(CookieSessionDefaults.ProtectedCookieName));
        Assert.Equal(2, host.LogsOf("ResigningWithCurrentSecret").Count);
        Assert.Equal("0", idle.Body);
        Assert.Contains("IdleExpired", Assert.Single(host.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdleRenewal_IsNotLoggedAsAnOlderSecret()
    {
        await using var host = await StartAsync(
            context => context.Request.Path == "/write" ? ProtectedHost.Counter(context) : ProtectedHost.Reader(context),
            o => o.IdleTimeout = TimeSpan.FromMinutes(20));
        var cookie = (await host.SendAsync("/write")).CookieToSend(Name);
        host.Time.Advance(TimeSpan.FromMinutes(11));
        host.Logs.Clear();

        var renewed = await host.SendAsync("/", cookie);

        Assert.NotNull(renewed.SessionCookie(Name));
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains("older secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IssuedInTheFuture_ByAServerWithAClockAhead_IsRefused()
    {
        // Otherwise a server whose clock runs ahead writes cookies that outlive the idle timeout everywhere else.
        var keys = ProtectedHost.NewKeyFolder();
        await using var ahead = await StartAsync(ProtectedHost.Counter, o => o.IdleTimeout = TimeSpan.FromMinutes(20), keys: keys);
        await using var normal = await StartAsync(ProtectedHost.Reader, o => o.IdleTimeout = TimeSpan.FromMinutes(20), keys: keys);
        ahead.Time.Advance(TimeSpan.FromDays(365));
        var cookie = (await ahead.SendAsync()).CookieToSend(Name);

        normal.Time.Advance(TimeSpan.FromDays(300));

        Assert.Equal("0", (await normal.SendAsync(cookie: cookie)).Body);
    }

    [Fact]
    public void Read_RefusedAfterDecrypting_LeavesNoPlaintextInTheSharedPool()
    {
        var provider = new EphemeralDataProtectionProvider();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var codec = new ProtectedCodec(
            new DataKeys(new PlainDataKeyProtector(provider.CreateProtector(ProtectedCodec.Purpose, Name))), new CookieSessionOptions { IdleTimeout = TimeSpan.FromMinutes(1) }, time);
        var then = time.GetUtcNow() - TimeSpan.FromHours(1);
        var value = ProtectedCookie.Seal(provider, Name, "{\"card\":\"4111-1111-1111-1111\"}"u8, then, then);
        var result = codec.Decode(value);

        Assert.Equal(SessionCookieRejection.IdleExpired, result.Rejection);
        var next = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(value.Length));
        Assert.DoesNotContain("4111-1111", Encoding.ASCII.GetString(next), StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_SessionsEitherSideOfTheStackSeal_OpenToTheirJson()
    {
        // A seal of up to 1 KB is built on the stack, a longer one in a pooled array: every length across the
        // boundary seals whole and opens back, and the pooled array is given back without the session in it.
        var provider = new EphemeralDataProtectionProvider();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var codec = new ProtectedCodec(
            new DataKeys(new PlainDataKeyProtector(provider.CreateProtector(ProtectedCodec.Purpose, Name))), new CookieSessionOptions(), time);
        var times = new SessionTimes(time.GetUtcNow(), time.GetUtcNow());
        for (var size = 700; size < 1_100; size++)
        {
            var json = Encoding.ASCII.GetBytes("{\"card\":\"4111-1111-" + new string('x', size) + "\"}");
            var value = new PooledByteBuffer(64);
            try
            {
                codec.Encode(json, times, ref value);
                var text = Encoding.ASCII.GetString(value.WrittenSpan);
                var next = ArrayPool<byte>.Shared.Rent(json.Length + 200);
                Assert.DoesNotContain("4111-1111", Encoding.ASCII.GetString(next), StringComparison.Ordinal);
                ArrayPool<byte>.Shared.Return(next);

                var opened = codec.Decode(text);

                Assert.True(opened.IsLoaded, $"{size}: {opened.Rejection}");
                Assert.Equal(json, opened.Json.ToArray());
            }
            finally
            {
                value.Dispose();
            }
        }
    }

    [Fact]
    public void Read_Loaded_LeavesNoPlaintextInTheSharedPool()
    {
        // A loaded result clears only what the codec wrote of its scratch: the decrypted session must be inside that part.
        var provider = new EphemeralDataProtectionProvider();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var codec = new ProtectedCodec(
            new DataKeys(new PlainDataKeyProtector(provider.CreateProtector(ProtectedCodec.Purpose, Name))), new CookieSessionOptions { IdleTimeout = TimeSpan.FromMinutes(10) }, time);
        var now = time.GetUtcNow();
        var value = ProtectedCookie.Seal(provider, Name, "{\"card\":\"4111-1111-1111-1111\"}"u8, now, now);
        var result = codec.Decode(value);

        Assert.True(result.IsLoaded);
        var next = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(value.Length));
        Assert.DoesNotContain("4111-1111", Encoding.ASCII.GetString(next), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idle_NeitherLifetimeSet_RefusedAfterFourteenDays()
    {
        await using var host = await StartAsync(ProtectedHost.Reader);
        var jar = new CookieJar();
        jar.Set(Name, (await WriteWith(host)).Value);

        host.Time.Advance(TimeSpan.FromDays(14) - TimeSpan.FromMinutes(1));
        var within = await host.SendAsync(cookie: jar.Header);
        host.Time.Advance(TimeSpan.FromMinutes(2));
        var past = await host.SendAsync(cookie: jar.Header);

        Assert.Equal("5", within.Body);
        Assert.NotNull(within.SessionCookie(Name)); // renewed: past half the idle time
        Assert.Equal("0", past.Body);
        Assert.Contains("IdleExpired", Assert.Single(host.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idle_InfiniteTimeSpan_NeverExpiresNorShortensMaxAge()
    {
        await using var host = await StartAsync(ProtectedHost.Counter, o =>
        {
            o.IdleTimeout = Timeout.InfiniteTimeSpan;
            o.Cookie.MaxAge = TimeSpan.FromDays(30);
        });
        var jar = new CookieJar();

        var first = await jar.SendAsync(host);
        host.Time.Advance(TimeSpan.FromDays(300));
        var later = await jar.SendAsync(host);

        Assert.Equal(TimeSpan.FromDays(30), first.SessionCookie(Name)!.MaxAge);
        Assert.Equal("2", later.Body);
        Assert.Empty(host.LogsOf("CookieRejected"));
    }

    [Fact]
    public async Task Idle_InfiniteTimeSpanFromConfiguration_IsBoundAsNoIdleTimeout()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CookieSession:IdleTimeout"] = "-00:00:00.001" })
            .Build();
        await using var host = await StartAsync(
            ProtectedHost.Reader,
            services: s => s.Configure<CookieSessionOptions>(configuration.GetSection("CookieSession")));
        var jar = new CookieJar();
        jar.Set(Name, (await WriteWith(host)).Value);

        host.Time.Advance(TimeSpan.FromDays(300));
        var read = await host.SendAsync(cookie: jar.Header);

        Assert.Equal(Timeout.InfiniteTimeSpan, host.Server.Services.GetRequiredService<IOptions<CookieSessionOptions>>().Value.IdleTimeout);
        Assert.Equal("5", read.Body);
    }

    [Theory]
    [InlineData(CookieSessionFormat.Protected, null, null, 14 * 24 * 60)]
    [InlineData(CookieSessionFormat.Protected, null, 60, null)]
    [InlineData(CookieSessionFormat.Protected, 20, null, 20)]
    [InlineData(CookieSessionFormat.Connect, null, null, null)]
    [InlineData(CookieSessionFormat.Connect, -1, null, -1)]
    public async Task IdleTimeout_AfterStart_DefaultsOnlyForProtectedWithNeitherLifetimeSet(
        CookieSessionFormat format, int? idleMinutes, int? absoluteMinutes, int? expectedMinutes)
    {
        static TimeSpan? Minutes(int? minutes) => minutes switch
        {
            null => null,
            -1 => Timeout.InfiniteTimeSpan,
            { } m => TimeSpan.FromMinutes(m),
        };

        await using var host = await StartAsync(ProtectedHost.Reader, o =>
        {
            o.Format = format;
            o.Secret = format == CookieSessionFormat.Protected ? null : SessionTestHost.Secret;
            o.IdleTimeout = Minutes(idleMinutes);
            o.AbsoluteTimeout = Minutes(absoluteMinutes);
        });

        var options = host.Server.Services.GetRequiredService<IOptions<CookieSessionOptions>>().Value;

        Assert.Equal(Minutes(expectedMinutes), options.IdleTimeout);
        Assert.Equal(Minutes(absoluteMinutes), options.AbsoluteTimeout);
    }

    [Fact]
    public async Task Absolute_RefusedHoweverActive_AndCreationSurvivesChanges()
    {
        await using var host = await StartAsync(ProtectedHost.Counter, o =>
        {
            o.IdleTimeout = TimeSpan.FromMinutes(20);
            o.AbsoluteTimeout = TimeSpan.FromHours(1);
        });
        var jar = new CookieJar();

        var bodies = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            bodies.Add((await jar.SendAsync(host)).Body);
            host.Time.Advance(TimeSpan.FromMinutes(10));
        }

        // Created at 0; changed every 10 minutes; at 60 it is still accepted, at 70 refused.
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7"], bodies);
        Assert.Equal("1", (await jar.SendAsync(host)).Body);
        Assert.Contains("AbsoluteExpired", Assert.Single(host.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clear_StartsANewSessionWithANewCreationTime()
    {
        await using var host = await StartAsync(
            async context =>
            {
                if (context.Request.Path == "/signout")
                {
                    context.ClearCookieSession();
                    context.GetCookieSession().Set("fresh", true);
                }

                await ProtectedHost.Counter(context);
            },
            o => o.AbsoluteTimeout = TimeSpan.FromHours(1));
        var jar = new CookieJar();
        await jar.SendAsync(host);
        host.Time.Advance(TimeSpan.FromMinutes(50));
        await jar.SendAsync(host, "/signout");
        host.Time.Advance(TimeSpan.FromMinutes(50));

        // 100 minutes after the first session was created, the one started at 50 is still valid.
        var transaction = await jar.SendAsync(host);

        Assert.Equal("2", transaction.Body);
        Assert.Empty(host.LogsOf("CookieRejected"));
    }

    [Fact]
    public async Task MaxAge_NeverOutlivesWhatTheServerAccepts()
    {
        await using var host = await StartAsync(ProtectedHost.Counter, o =>
        {
            o.Cookie.MaxAge = TimeSpan.FromDays(30);
            o.IdleTimeout = TimeSpan.FromMinutes(20);
            o.AbsoluteTimeout = TimeSpan.FromHours(1);
        });
        var jar = new CookieJar();

        var first = (await jar.SendAsync(host)).SessionCookie(CookieSessionDefaults.ProtectedCookieName)!;
        var start = host.Time.GetUtcNow();
        foreach (var minutes in new[] { 15, 15, 15, 5 })
        {
            host.Time.Advance(TimeSpan.FromMinutes(minutes));
            await jar.SendAsync(host);
        }

        // Created 50 minutes ago: the absolute limit leaves 10 minutes, less than the idle 20.
        var later = (await jar.SendAsync(host)).SessionCookie(CookieSessionDefaults.ProtectedCookieName)!;

        Assert.Equal(TimeSpan.FromMinutes(20), first.MaxAge);
        Assert.Equal(start + TimeSpan.FromMinutes(20), first.Expires);
        Assert.Equal(TimeSpan.FromMinutes(10), later.MaxAge);
        Assert.Equal(host.Time.GetUtcNow() + TimeSpan.FromMinutes(10), later.Expires);
    }

    [Fact]
    public async Task MaxAgeNull_StaysABrowserSessionCookie()
    {
        await using var host = await StartAsync(ProtectedHost.Counter, o => o.IdleTimeout = TimeSpan.FromMinutes(20));
        var cookie = (await host.SendAsync()).SessionCookie(CookieSessionDefaults.ProtectedCookieName)!;
        Assert.Null(cookie.MaxAge);
        Assert.Null(cookie.Expires);
    }

    [Fact]
    public async Task KeyRotation_OldKeyIsReadAndReprotectedUnderTheNewDefault()
    {
        Assert.SkipWhen(Plain, "A plain IDataProtector does not say that a payload's key is no longer the default: its cookies are read, not renewed.");
        var keys = ProtectedHost.NewKeyFolder();
        await using var host = await StartAsync(ProtectedHost.Reader, keys: keys);
        var jar = new CookieJar();
        jar.Set(Name, (await WriteWith(host)).Value);
        var before = jar.Cookies[Name];

        var manager = host.Server.Services.GetRequiredService<IKeyManager>();
        manager.CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        var read = await jar.SendAsync(host);
        var again = await jar.SendAsync(host);

        Assert.Equal("5", read.Body);
        Assert.NotNull(read.SessionCookie(CookieSessionDefaults.ProtectedCookieName));
        Assert.NotEqual(before, jar.Cookies[Name]);
        Assert.Single(host.LogsOf("ResigningWithCurrentSecret"));
        Assert.Empty(again.SetCookies);
    }

    [Fact]
    public async Task RevokedKey_IsRefused()
    {
        Assert.SkipWhen(Plain, "A plain provider has a key ring of its own: a revocation in the application's is not seen (docs: protected-sessions).");
        await using var host = await StartAsync(ProtectedHost.Reader);
        var value = (await WriteWith(host)).Value;

        host.Server.Services.GetRequiredService<IKeyManager>().RevokeAllKeys(DateTimeOffset.UtcNow.AddMinutes(1), "test");
        var read = await host.SendAsync(cookie: $"{Name}={value}");

        Assert.Equal("0", read.Body);
        Assert.Contains("RevokedKey", Assert.Single(host.LogsOf("CookieRejected")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("idle", "CookieSessionOptions.IdleTimeout cannot be enforced with Format Connect")]
    [InlineData("absolute", "CookieSessionOptions.AbsoluteTimeout cannot be enforced with Format ExpressCookieSession")]
    public async Task Start_LifetimeWithAFormatWithoutTimes_FailsSayingWhy(string which, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SessionTestHost.StartAsync(ProtectedHost.Reader, o =>
        {
            if (which == "idle")
            {
                o.IdleTimeout = TimeSpan.FromMinutes(5);
            }
            else
            {
                o.Format = CookieSessionFormat.ExpressCookieSession;
                o.AbsoluteTimeout = TimeSpan.FromHours(1);
            }
        }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("carries no time", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("idle zero", "CookieSessionOptions.IdleTimeout must be more than zero")]
    [InlineData("absolute negative", "CookieSessionOptions.AbsoluteTimeout must be more than zero")]
    [InlineData("absolute max value", "CookieSessionOptions.AbsoluteTimeout must be more than zero and at most 3650 days")]
    [InlineData("idle max value", "CookieSessionOptions.IdleTimeout must be more than zero and at most 3650 days")]
    [InlineData("chunked size", "CookieSessionOptions.MaxChunkedSize must be at least 4096")]
    [InlineData("partitioned", "CookieSessionOptions.Partitioned requires Cookie.SecurePolicy = Always")]
    public async Task Start_InvalidProtectedOptions_Fails(string which, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(ProtectedHost.Reader, o =>
        {
            switch (which)
            {
                case "idle zero": o.IdleTimeout = TimeSpan.Zero; break;
                case "absolute negative": o.AbsoluteTimeout = TimeSpan.FromSeconds(-1); break;
                case "absolute max value": o.AbsoluteTimeout = TimeSpan.MaxValue; break;
                case "idle max value": o.IdleTimeout = TimeSpan.MaxValue; o.Cookie.MaxAge = TimeSpan.FromDays(30); break;
                case "chunked size": o.MaxChunkedSize = 1000; break;
                default: o.Partitioned = true; break;
            }
        }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partitioned_IsWrittenWithSecure()
    {
        await using var host = await StartAsync(ProtectedHost.Counter, o =>
        {
            o.Partitioned = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.None;
        });

        var header = Assert.Single((await host.SendAsync("https://localhost/")).SetCookieHeaders);

        Assert.Contains("; secure", header, StringComparison.Ordinal);
        Assert.Contains("; samesite=none", header, StringComparison.Ordinal);
        Assert.EndsWith("; partitioned", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AspNetSession_WorksTheSameOverProtected()
    {
        await using var host = await StartAsync(async context =>
        {
            var visits = (context.Session.GetInt32("visits") ?? 0) + 1;
            context.Session.SetInt32("visits", visits);
            await context.Response.WriteAsync(visits + " " + context.GetCookieSession().Get<string>("visits"));
        });
        var jar = new CookieJar();

        await jar.SendAsync(host);
        var second = await jar.SendAsync(host);

        Assert.StartsWith("2 ", second.Body, StringComparison.Ordinal);
    }

    /// <summary>A cookie holding {"n":5}, written by <paramref name="host"/>'s own key ring.</summary>
    internal static async Task<(string Name, string Value)> WriteWith(SessionTestHost host)
    {
        var provider = host.Server.Services.GetRequiredService<IDataProtectionProvider>();
        var time = host.Time.GetUtcNow();
        await Task.CompletedTask;
        return (Name, ProtectedCookie.Seal(provider, Name, "{\"n\":5}"u8, time, time));
    }

    private static string Flip(string value)
    {
        var chars = value.ToCharArray();
        var i = chars.Length / 2;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private static string ToBase64(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - (s.Length % 4)) % 4);
    }
}

/// <summary>The Protected format over Data Protection's own protector, its key ring watched.</summary>
public sealed class ProtectedFormatWithKeyRingTests : ProtectedFormatTests
{
    protected override bool Plain => false;
}

/// <summary>The Protected format over a plain <see cref="IDataProtector"/>, such as a key management service's.</summary>
public sealed class ProtectedFormatWithPlainProtectorTests : ProtectedFormatTests
{
    protected override bool Plain => true;
}
