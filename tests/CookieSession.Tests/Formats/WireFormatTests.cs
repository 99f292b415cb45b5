using System.Text;
using CookieSession.Cookies;
using CookieSession.Formats;
using CookieSession.Formats.Connect;
using CookieSession.Formats.Express;
using CookieSession.Formats.Transports;
using CookieSession.Json;
using CookieSession.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

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
        var wire = LimitingWire((cookie, _) => cookie.MaxAge ??= TimeSpan.FromHours(1));
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
        var wire = LimitingWire((cookie, times) => cookie.Expires = times.IssuedAt + TimeSpan.FromHours(1));
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
    public void Write_CodecThatChangesMoreThanTheLifetime_LimitsSharedOptionsAfreshOnEveryWrite()
    {
        // A limit that builds on what it is given shows whether one write's copy leaked into the next.
        var wire = LimitingWire((cookie, _) => cookie.Path += "x");
        var shared = new FixedCookieOptions(new CookieOptions { Path = "/" });
        var now = TimeProvider.System.GetUtcNow();

        var headers = Enumerable.Range(0, 3).Select(_ => WrittenHeader(wire, shared, new SessionTimes(now, now))).ToArray();

        Assert.All(headers, header => Assert.EndsWith("; path=/x", header, StringComparison.Ordinal));
        Assert.Equal("/", shared.Path);
    }

    [Fact]
    public void Write_CodecThatLimitsSharedOptions_WritesEachOfTwoSharedOptionsWithItsOwnAttributes()
    {
        // A site served over TLS and not has two shared options, written in turns.
        var wire = LimitingWire((cookie, _) => cookie.MaxAge ??= TimeSpan.FromHours(1));
        var plain = new FixedCookieOptions(new CookieOptions { Path = "/" });
        var secure = new FixedCookieOptions(new CookieOptions { Path = "/", Secure = true });
        var now = TimeProvider.System.GetUtcNow();

        var headers = new[] { plain, secure, plain, secure }.Select(options => WrittenHeader(wire, options, new SessionTimes(now, now))).ToArray();

        Assert.EndsWith("; max-age=3600; path=/", headers[0], StringComparison.Ordinal);
        Assert.EndsWith("; max-age=3600; path=/; secure", headers[1], StringComparison.Ordinal);
        Assert.Equal(headers[0], headers[2]);
        Assert.Equal(headers[1], headers[3]);
    }

    private static WireFormat LimitingWire(Action<CookieOptions, SessionTimes> limit)
        => new(ConnectFormat.Descriptor, new SingleCookie("sid", CookieValueEncoding.Raw, NullLogger.Instance), new LifetimeCodec(limit), VerifiedCookieCache.Create(16));

    private static string WrittenHeader(WireFormat wire, CookieOptions options, SessionTimes times)
    {
        var response = new DefaultHttpContext().Response;
        wire.Write(response, "{\"a\":1}"u8, times, options);
        return Assert.Single(response.Headers.SetCookie)!;
    }

    private static string Written(WireFormat wire) => Written(wire, "{\"a\":1}"u8);

    private static string Written(WireFormat wire, ReadOnlySpan<byte> json)
    {
        var now = TimeProvider.System.GetUtcNow();
        var response = new DefaultHttpContext().Response;
        wire.Write(response, json, new SessionTimes(now, now), new CookieOptions { Path = "/" });
        return Assert.Single(response.Headers.SetCookie)!.Split(';')[0];
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
    private sealed class LifetimeCodec(Action<CookieOptions, SessionTimes>? limit = null) : ISessionCodec
    {
        private readonly ExpressCodec _inner = new();

        public bool LimitsCookie => true;

        public SessionCookieReadResult Decode(ReadOnlySpan<char> value) => _inner.Decode(value);

        public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value) => _inner.Encode(json, times, ref value);

        public void LimitCookie(CookieOptions cookie, SessionTimes times)
        {
            if (limit is null)
            {
                cookie.MaxAge ??= TimeSpan.FromHours(1);
            }
            else
            {
                limit(cookie, times);
            }
        }
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
