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

    /// <summary>Express's codec, with a cookie lifetime of an hour set as a server-side lifetime sets it.</summary>
    private sealed class LifetimeCodec : ISessionCodec
    {
        private readonly ExpressCodec _inner = new();

        public bool LimitsCookie => true;

        public SessionCookieReadResult Decode(ReadOnlySpan<char> value) => _inner.Decode(value);

        public void Encode(ReadOnlySpan<byte> json, SessionTimes times, ref PooledByteBuffer value) => _inner.Encode(json, times, ref value);

        public void LimitCookie(CookieOptions cookie, SessionTimes times) => cookie.MaxAge ??= TimeSpan.FromHours(1);
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
