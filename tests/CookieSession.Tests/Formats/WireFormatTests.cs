using System.Collections.Concurrent;
using System.Text;
using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Formats.Connect;
using CookieSession.Formats.Express;
using CookieSession.Formats.Transports;
using CookieSession.Json;
using CookieSession.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;

namespace CookieSession.Tests.Formats;

/// <summary>
/// The one caching layer every codec goes through: a codec that does not opt in is decoded on every request (so a
/// codec whose values expire is never served stale), and one that does is decoded once, then rechecked on every hit.
/// </summary>
public sealed class WireFormatTests
{
    [Fact]
    public void Read_CodecThatDoesNotOptIn_IsDecodedEveryTime()
    {
        var codec = new CountingCodec(optIn: false);
        var wire = new WireFormat(ConnectFormat.Descriptor, new SingleCookie("sid", CookieValueEncoding.Raw, NullLogger.Instance), codec, VerifiedCookieCache.Create(16));
        var cookie = Written(wire);

        var first = wire.Read(RequestWith(cookie));
        var second = wire.Read(RequestWith(cookie));

        Assert.True(first.IsLoaded && second.IsLoaded);
        Assert.False(second.IsCached);
        Assert.Equal(2, codec.Decodes);
    }

    [Fact]
    public void Read_CodecThatOptsIn_DecodedOnceThenRecheckedOnEveryHit()
    {
        var codec = new CountingCodec(optIn: true);
        var wire = new WireFormat(ConnectFormat.Descriptor, new SingleCookie("sid", CookieValueEncoding.Raw, NullLogger.Instance), codec, VerifiedCookieCache.Create(16));
        var cookie = Written(wire);

        var hit = wire.Read(RequestWith(cookie));
        codec.Expired = true;
        var expired = wire.Read(RequestWith(cookie));

        Assert.True(hit.IsCached);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(hit.Json));
        Assert.Equal(SessionCookieRejection.Expired, expired.Rejection);
        Assert.Equal(0, codec.Decodes);
        Assert.Equal(2, codec.Rechecks);
    }

    [Fact]
    public void Read_ChangedGeneration_IsAMissAndDecodesAgain()
    {
        var codec = new CountingCodec(optIn: true);
        var wire = new WireFormat(ConnectFormat.Descriptor, new SingleCookie("sid", CookieValueEncoding.Raw, NullLogger.Instance), codec, VerifiedCookieCache.Create(16));
        var cookie = Written(wire);

        codec.Generation = new object();
        var read = wire.Read(RequestWith(cookie));

        Assert.True(read.IsLoaded);
        Assert.False(read.IsCached);
        Assert.Equal(1, codec.Decodes);
    }

    [Fact]
    public void Read_ValueOtherServerWroteWhereTheSlotIsTaken_LoadsEveryTimeAndIsServedFromTheCacheFromItsThirdRequest()
    {
        // One slot, held by the value this server wrote; the other value is authentic (another server, same secret).
        var wire = ConnectWire(VerifiedCookieCache.Create(1));
        var resident = Written(wire, "{\"a\":1}"u8);
        var other = Written(ConnectWire(cache: null), "{\"b\":2}"u8);

        var firstSight = wire.Read(RequestWith(other));
        var residentAfterFirstSight = wire.Read(RequestWith(resident));
        var secondSight = wire.Read(RequestWith(other));
        var third = wire.Read(RequestWith(other));

        Assert.True(firstSight.IsLoaded && secondSight.IsLoaded && third.IsLoaded);
        Assert.False(firstSight.IsCached);
        Assert.True(residentAfterFirstSight.IsCached);
        Assert.False(secondSight.IsCached);
        Assert.True(third.IsCached);
        Assert.Equal("{\"b\":2}", Encoding.UTF8.GetString(third.Json));
    }

    [Fact]
    public void Read_TamperedValueSentAgainAndAgain_NeverEntersTheCache()
    {
        var wire = ConnectWire(VerifiedCookieCache.Create(1));
        var resident = Written(wire, "{\"a\":1}"u8);
        var tampered = Written(ConnectWire(cache: null), "{\"b\":2}"u8).Replace("%3A2%7D", "%3A3%7D", StringComparison.Ordinal);

        var reads = Enumerable.Range(0, 3).Select(_ => wire.Read(RequestWith(tampered))).ToArray();

        Assert.All(reads, read => Assert.Equal(SessionCookieRejection.BadSignature, read.Rejection));
        Assert.True(wire.Read(RequestWith(resident)).IsCached);
    }

    [Fact]
    public void Read_WrittenValueReadOnceThenReplaced_IsVerifiedAgainIfSentAgainAndTheNewOneIsAHit()
    {
        // A browser's round trip: the value this server wrote comes back once, and its request writes the next one.
        var wire = ConnectWire(VerifiedCookieCache.Create(16));
        var old = Written(wire, "{\"n\":1}"u8);
        var read = wire.Read(RequestWith(old));

        var newer = Written(wire, "{\"n\":2}"u8, replacing: read.FirstReadOfWritten);
        var oldAgain = wire.Read(RequestWith(old));
        var newerRead = wire.Read(RequestWith(newer));

        Assert.True(read.IsCached);
        Assert.NotNull(read.FirstReadOfWritten);
        Assert.True(oldAgain.IsLoaded, $"{oldAgain.Rejection}");
        Assert.False(oldAgain.IsCached);
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(oldAgain.Json));
        Assert.True(newerRead.IsCached);
    }

    [Fact]
    public void Read_WrittenValueReadOnceThenWrittenAgainUnchanged_StaysAHit()
    {
        var wire = ConnectWire(VerifiedCookieCache.Create(16));
        var cookie = Written(wire, "{\"n\":1}"u8);
        var read = wire.Read(RequestWith(cookie));

        var again = Written(wire, "{\"n\":1}"u8, replacing: read.FirstReadOfWritten);

        Assert.Equal(cookie, again);
        Assert.True(wire.Read(RequestWith(cookie)).IsCached);
    }

    [Fact]
    public void Read_OneValueSentOnEveryRequestThatReplacesIt_IsAHitAgainFromItsThirdRequest()
    {
        // Not a browser (which sends what it was sent) but a client replaying one cookie: the first request drops the
        // written value it read first, the second verifies it and stores it as verified, which no write drops.
        var wire = ConnectWire(VerifiedCookieCache.Create(16));
        var cookie = Written(wire, "{\"n\":1}"u8);

        // A written value that shared the replayed one's slot would take it: one in a slot of its own (slots follow a
        // hash seeded per process).
        var next = Enumerable.Range(2, 100).Select(n => Encoding.UTF8.GetBytes($"{{\"n\":{n}}}"))
            .First(json => Slot(Written(ConnectWire(cache: null), json), 16) != Slot(cookie, 16));
        var reads = new List<SessionCookieReadResult>();
        for (var i = 0; i < 4; i++)
        {
            var read = wire.Read(RequestWith(cookie));
            reads.Add(read);
            Written(wire, next, replacing: read.FirstReadOfWritten);
        }

        Assert.All(reads, read => Assert.True(read.IsLoaded));
        Assert.Equal([true, false, true, true], reads.Select(read => read.IsCached));
        Assert.Equal([true, false, false, false], reads.Select(read => read.FirstReadOfWritten is not null));
    }

    [Fact]
    public void Delete_AfterTheFirstReadOfAWrittenValue_DropsItFromTheCache()
    {
        var wire = ConnectWire(VerifiedCookieCache.Create(16));
        var cookie = Written(wire, "{\"n\":1}"u8);
        var read = wire.Read(RequestWith(cookie));

        wire.Delete(new DefaultHttpContext().Response, new CookieOptions { Path = "/" }, read.FirstReadOfWritten);

        var again = wire.Read(RequestWith(cookie));
        Assert.True(again.IsLoaded);
        Assert.False(again.IsCached);
    }

    [Fact]
    public void Write_WithheldForLackOfConsent_KeepsTheValueTheBrowserStillHas()
    {
        // Express writes raw cookies itself and honours consent: the browser got nothing new and sends the old value again.
        var wire = new WireFormat(ExpressFormat.Descriptor, new SignedCookiePair("sid", HmacSigner.ForKeygrip(["secret"], System.Security.Cryptography.HashAlgorithmName.SHA1), NullLogger.Instance), new ExpressCodec(), VerifiedCookieCache.Create(16));
        var now = TimeProvider.System.GetUtcNow();
        var first = new DefaultHttpContext().Response;
        wire.Write(first, "{\"n\":1}"u8, new SessionTimes(now, now), new CookieOptions { Path = "/" });
        var cookie = string.Join("; ", first.Headers.SetCookie.Select(header => header!.Split(';')[0]));
        var read = wire.Read(RequestWith(cookie));

        var withheld = new DefaultHttpContext();
        withheld.Features.Set<IResponseCookiesFeature>(new WrappedResponseCookies(withheld.Features));
        withheld.Features.Set<ITrackingConsentFeature>(new NoConsent());
        wire.Write(withheld.Response, "{\"n\":2}"u8, new SessionTimes(now, now), new CookieOptions { Path = "/" }, read.FirstReadOfWritten);

        Assert.NotNull(read.FirstReadOfWritten);
        Assert.Equal(0, withheld.Response.Headers.SetCookie.Count);
        Assert.True(wire.Read(RequestWith(cookie)).IsCached);
    }

    [Fact]
    public void Write_CodecThatLimitsTheCookie_LimitsACopyAndLeavesTheSharedOptionsAsTheyWere()
    {
        var wire = new WireFormat(ConnectFormat.Descriptor, new SingleCookie("sid", CookieValueEncoding.Raw, NullLogger.Instance), new LifetimeCodec(), VerifiedCookieCache.Create(16));
        var shared = new CookieOptions { Path = "/" };
        var now = TimeProvider.System.GetUtcNow();
        var response = new DefaultHttpContext().Response;

        wire.Write(response, "{\"a\":1}"u8, new SessionTimes(now, now), shared);

        Assert.Contains("; max-age=3600", Assert.Single(response.Headers.SetCookie), StringComparison.Ordinal);
        Assert.Null(shared.MaxAge);
    }

    [Fact]
    public void Write_CodecThatLimitsSharedOptionsTheSameWayEveryTime_WritesTheLimitOnEveryWriteAndLeavesTheSharedOptionsAsTheyWere()
    {
        var wire = LimitingWire((lifetime, _) => lifetime.MaxAge is null ? lifetime with { MaxAge = TimeSpan.FromHours(1) } : lifetime);
        var shared = new FixedCookieOptions(new CookieOptions { Path = "/", HttpOnly = true });
        var now = TimeProvider.System.GetUtcNow();

        var headers = Enumerable.Range(0, 3).Select(_ => WrittenHeader(wire, shared, new SessionTimes(now, now))).ToArray();

        Assert.All(headers, header => Assert.EndsWith("; max-age=3600; path=/; httponly", header, StringComparison.Ordinal));
        Assert.Null(shared.MaxAge);
        Assert.Equal("; path=/; httponly", shared.AttributeText);
    }

    [Fact]
    public void Write_CodecWhoseLimitFollowsTheSessionTimes_LimitsEachWriteByItsOwnTimes()
    {
        var wire = LimitingWire((lifetime, times) => lifetime with { Expires = times.IssuedAt + TimeSpan.FromHours(1) });
        var shared = new FixedCookieOptions(new CookieOptions { Path = "/" });
        var first = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var second = first.AddMinutes(10);

        var headers = new[] { first, second, first }.Select(at => WrittenHeader(wire, shared, new SessionTimes(at, at))).ToArray();

        Assert.EndsWith("; expires=Fri, 02 Jan 2026 04:04:05 GMT; path=/", headers[0], StringComparison.Ordinal);
        Assert.EndsWith("; expires=Fri, 02 Jan 2026 04:14:05 GMT; path=/", headers[1], StringComparison.Ordinal);
        Assert.Equal(headers[0], headers[2]);
        Assert.Null(shared.Expires);
    }

    [Fact]
    public void Write_LimitOnSomeWritesOnly_LeavesTheOtherWritesAsTheSharedOptionsAre()
    {
        // A limit that applies on some writes only shows whether one write's lifetime leaked into the next.
        var wire = LimitingWire((lifetime, times) => times.CreatedAt.Second == 1 ? lifetime with { MaxAge = TimeSpan.FromHours(1) } : lifetime);
        var shared = new FixedCookieOptions(new CookieOptions { Path = "/", Extensions = { "p" } });
        var one = new DateTimeOffset(2026, 1, 2, 3, 4, 1, TimeSpan.Zero);
        var two = one.AddSeconds(1);

        var headers = new[] { one, two, one, two }.Select(at => WrittenHeader(wire, shared, new SessionTimes(at, at))).ToArray();

        Assert.EndsWith("; max-age=3600; path=/; p", headers[0], StringComparison.Ordinal);
        Assert.EndsWith("; path=/; p", headers[1], StringComparison.Ordinal);
        Assert.DoesNotContain("max-age", headers[1], StringComparison.Ordinal);
        Assert.Equal(headers[0], headers[2]);
        Assert.Equal(headers[1], headers[3]);
        Assert.Null(shared.MaxAge);
    }

    [Fact]
    public void Write_ManySharedOptionsInParallelWithLimitsThatVary_EachHeaderAsLimitingAFreshCopyWouldWriteIt()
    {
        // Half the writes get a lifetime counted from their times, half one of the format's own, across shared options
        // and threads: no write may see another's lifetime, and the shared options stay as they were.
        static CookieLifetime Limit(CookieLifetime lifetime, SessionTimes times)
            => times.CreatedAt.Second % 2 == 0
                ? lifetime with { Expires = times.IssuedAt + TimeSpan.FromHours(1) }
                : lifetime with { MaxAge = lifetime.MaxAge ?? TimeSpan.FromHours(1) };
        var wire = LimitingWire(Limit);
        var shared = new[]
        {
            new FixedCookieOptions(new CookieOptions { Path = "/" }),
            new FixedCookieOptions(new CookieOptions { Path = "/", Secure = true }),
            new FixedCookieOptions(new CookieOptions { Path = "/other", HttpOnly = true }),
            new FixedCookieOptions(new CookieOptions { Path = "/", Secure = true, Extensions = { "partitioned" } }),
        };
        var start = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var wrong = new ConcurrentBag<string>();

        Parallel.For(0, 20000, i =>
        {
            var random = new Random(i);
            var options = shared[random.Next(shared.Length)];
            var at = start.AddSeconds(random.Next(5));
            var times = new SessionTimes(at, at.AddMinutes(random.Next(3)));
            var lifetime = Limit(CookieLifetime.Of(options), times);
            var expected = SetCookieWriter.FormatAttributes(new CookieOptions(options) { MaxAge = lifetime.MaxAge, Expires = lifetime.Expires });
            var header = WrittenHeader(wire, options, times);
            if (!header.EndsWith(expected, StringComparison.Ordinal))
            {
                wrong.Add(header + " instead of " + expected);
            }
        });

        Assert.Empty(wrong);
        Assert.All(shared, options => Assert.True(options.MaxAge is null && options.Expires is null));
    }

    [Fact]
    public void Write_TwoSharedOptionsAlikeInSecureInTurns_EachKeepsItsOwnLimitedOptions()
    {
        // With SecurePolicy None, the options over TLS and not are both not Secure: each must keep its own limited copy
        // rather than evict the other's on every turn.
        var transport = new RecordingTransport();
        var wire = new WireFormat(ConnectFormat.Descriptor, transport, new LifetimeCodec(), VerifiedCookieCache.Create(16));
        var plain = new FixedCookieOptions(new CookieOptions { Path = "/" });
        var overTls = new FixedCookieOptions(new CookieOptions { Path = "/" });
        var now = TimeProvider.System.GetUtcNow();

        foreach (var options in new[] { plain, overTls, plain, overTls, plain, overTls })
        {
            wire.Write(new DefaultHttpContext().Response, "{\"a\":1}"u8, new SessionTimes(now, now), options);
        }

        var given = transport.Options;
        Assert.Equal(6, given.Count);
        Assert.IsType<FixedCookieOptions>(given[0]);
        Assert.NotSame(given[0], given[1]);
        Assert.All(new[] { given[2], given[4] }, options => Assert.Same(given[0], options));
        Assert.All(new[] { given[3], given[5] }, options => Assert.Same(given[1], options));
        Assert.All(given, options => Assert.Equal(TimeSpan.FromHours(1), options.MaxAge));
    }

    [Fact]
    public void Write_CodecThatLimitsSharedOptions_WritesEachOfTwoSharedOptionsWithItsOwnAttributes()
    {
        // A site served over TLS and not has two shared options, written in turns.
        var wire = LimitingWire((lifetime, _) => lifetime.MaxAge is null ? lifetime with { MaxAge = TimeSpan.FromHours(1) } : lifetime);
        var plain = new FixedCookieOptions(new CookieOptions { Path = "/" });
        var secure = new FixedCookieOptions(new CookieOptions { Path = "/", Secure = true });
        var now = TimeProvider.System.GetUtcNow();

        var headers = new[] { plain, secure, plain, secure }.Select(options => WrittenHeader(wire, options, new SessionTimes(now, now))).ToArray();

        Assert.EndsWith("; max-age=3600; path=/", headers[0], StringComparison.Ordinal);
        Assert.EndsWith("; max-age=3600; path=/; secure", headers[1], StringComparison.Ordinal);
        Assert.Equal(headers[0], headers[2]);
        Assert.Equal(headers[1], headers[3]);
    }

    [Fact]
    public void Write_PerRequestOptionsLifetimeUnchanged_PassedOnAsGiven()
    {
        var transport = new RecordingTransport();
        var wire = new WireFormat(ConnectFormat.Descriptor, transport, new LifetimeCodec((lifetime, _) => lifetime), VerifiedCookieCache.Create(16));
        var options = new CookieOptions { Path = "/", MaxAge = TimeSpan.FromMinutes(5) };
        var now = TimeProvider.System.GetUtcNow();

        wire.Write(new DefaultHttpContext().Response, "{\"a\":1}"u8, new SessionTimes(now, now), options);

        Assert.Same(options, Assert.Single(transport.Options));
    }

    [Fact]
    public void Write_PerRequestOptionsLifetimeChanged_WrittenWithACopyAndTheGivenOptionsLeftAlone()
    {
        var transport = new RecordingTransport();
        var wire = new WireFormat(ConnectFormat.Descriptor, transport, new LifetimeCodec(), VerifiedCookieCache.Create(16));
        var options = new CookieOptions { Path = "/app", HttpOnly = true, Extensions = { "x=1" } };
        var now = TimeProvider.System.GetUtcNow();

        wire.Write(new DefaultHttpContext().Response, "{\"a\":1}"u8, new SessionTimes(now, now), options);

        var written = Assert.Single(transport.Options);
        Assert.NotSame(options, written);
        Assert.Equal(TimeSpan.FromHours(1), written.MaxAge);
        Assert.Equal(("/app", true, "x=1"), (written.Path, written.HttpOnly, Assert.Single(written.Extensions)));
        Assert.Null(options.MaxAge);
        Assert.Null(options.Expires);
    }

    private static WireFormat LimitingWire(Func<CookieLifetime, SessionTimes, CookieLifetime> limit)
        => new(ConnectFormat.Descriptor, new SingleCookie("sid", CookieValueEncoding.Raw, NullLogger.Instance), new LifetimeCodec(limit), VerifiedCookieCache.Create(16));

    private static string WrittenHeader(WireFormat wire, CookieOptions options, SessionTimes times)
    {
        var response = new DefaultHttpContext().Response;
        wire.Write(response, "{\"a\":1}"u8, times, options);
        return Assert.Single(response.Headers.SetCookie)!;
    }

    private static string Written(WireFormat wire) => Written(wire, "{\"a\":1}"u8);

    private static string Written(WireFormat wire, ReadOnlySpan<byte> json, VerifiedCookieCache.Entry? replacing = null)
    {
        var now = TimeProvider.System.GetUtcNow();
        var response = new DefaultHttpContext().Response;
        wire.Write(response, json, new SessionTimes(now, now), new CookieOptions { Path = "/" }, replacing);
        return Assert.Single(response.Headers.SetCookie)!.Split(';')[0];
    }

    /// <summary>The slot a single cookie's value (<c>name=value</c>) takes in a cache of <paramref name="size"/> slots.</summary>
    private static int Slot(string cookie, int size) => VerifiedCookieCache.Hash(cookie.AsSpan(cookie.IndexOf('=') + 1), default) & (size - 1);

    /// <summary>A cookie policy's stand-in: any <c>Response.Cookies</c> other than ASP.NET Core's own.</summary>
    private sealed class WrappedResponseCookies(IFeatureCollection features) : IResponseCookiesFeature
    {
        public IResponseCookies Cookies { get; } = new ResponseCookiesFeature(features).Cookies;
    }

    private sealed class NoConsent : ITrackingConsentFeature
    {
        public bool IsConsentNeeded => true;

        public bool HasConsent => false;

        public bool CanTrack => false;

        public void GrantConsent()
        {
        }

        public void WithdrawConsent()
        {
        }

        public string CreateConsentCookie() => string.Empty;
    }

    /// <summary>Connect's signed, percent-encoded cookie under one secret, so that only authentic values load.</summary>
    private static WireFormat ConnectWire(VerifiedCookieCache? cache)
        => new(ConnectFormat.Descriptor, new SingleCookie("sid", CookieValueEncoding.Percent, NullLogger.Instance), new ConnectCodec(HmacSigner.ForCookieSignature(["secret"])), cache);

    private static HttpRequest RequestWith(string cookie)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Cookie = cookie;
        return request;
    }

    /// <summary>Express's codec, with a cookie lifetime of an hour set as a server-side lifetime sets it, or another limit.</summary>
    private sealed class LifetimeCodec(Func<CookieLifetime, SessionTimes, CookieLifetime>? limit = null) : ISessionCodec
    {
        private readonly ExpressCodec _inner = new();

        public bool LimitsLifetime => true;

        public SessionCookieReadResult Decode(ReadOnlySpan<char> value) => _inner.Decode(value);

        public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value) => _inner.Encode(json, times, ref value);

        public CookieLifetime LimitLifetime(CookieLifetime lifetime, SessionTimes times)
            => limit is not null ? limit(lifetime, times)
                : lifetime.MaxAge is null ? lifetime with { MaxAge = TimeSpan.FromHours(1) } : lifetime;
    }

    /// <summary>The single-cookie transport, keeping the options each write was given.</summary>
    private sealed class RecordingTransport : ICookieTransport
    {
        private readonly SingleCookie _inner = new("sid", CookieValueEncoding.Raw, NullLogger.Instance);

        public List<CookieOptions> Options { get; } = [];

        public CarriedValue Read(StringValues cookies) => _inner.Read(cookies);

        public SessionCookieRejection Verify(ReadOnlySpan<char> value, ReadOnlySpan<char> signature, out bool olderKey)
            => _inner.Verify(value, signature, out olderKey);

        public CarriedText Write(HttpResponse response, ReadOnlySpan<byte> value, CookieOptions options)
        {
            Options.Add(options);
            return _inner.Write(response, value, options);
        }

        public void Delete(HttpResponse response, CookieOptions options) => _inner.Delete(response, options);
    }

    /// <summary>Express's codec, counting what the layer asks of it, with a cache opt-in, generation and expiry of its own.</summary>
    private sealed class CountingCodec(bool optIn) : ISessionCodec
    {
        private readonly ExpressCodec _inner = new();

        public int Decodes { get; private set; }

        public int Rechecks { get; private set; }

        public bool Expired { get; set; }

        public object Generation { get; set; } = new();

        public SessionCookieReadResult Decode(ReadOnlySpan<char> value)
        {
            Decodes++;
            return _inner.Decode(value);
        }

        public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value) => _inner.Encode(json, times, ref value);

        public bool CanCache(out object? generation)
        {
            generation = Generation;
            return optIn;
        }

        public SessionCookieReadResult Recheck(ReadOnlySpan<char> value, SessionCookieReadResult cached)
        {
            Rechecks++;
            return Expired ? SessionCookieReadResult.Rejected(SessionCookieRejection.Expired) : cached;
        }
    }
}
