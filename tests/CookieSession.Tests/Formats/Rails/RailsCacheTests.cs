using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Formats;
using CookieSession.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Formats.Rails;

/// <summary>
/// Rails' values in the cache of verified values: a cookie sent again is a hit, its <c>exp</c> (sealed inside the
/// encryption) still refuses it on every hit, and a written value that was given a <c>session_id</c> reads with it.
/// </summary>
public sealed class RailsCacheTests
{
    private const string Secret = "a Rails secret_key_base, long enough for the key derivation";
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1767225600);
    private static readonly TimeSpan ExpireAfter = TimeSpan.FromMinutes(10);

    [Fact]
    public void Read_SameCookieTwice_SecondIsACacheHitWithTheSameJson()
    {
        var time = new FakeTimeProvider(Start);
        var writer = Format(time);
        var reader = Format(time);
        var cookie = Write(writer, """{"session_id":"0123456789abcdef0123456789abcdef","n":1}""", time);

        var first = reader.Read(Request(cookie));
        var second = reader.Read(Request(cookie));

        Assert.True(first.IsLoaded, first.Rejection.ToString());
        Assert.False(first.IsCached);
        Assert.True(second.IsCached, "The cookie read before was not found in the cache.");
        Assert.Equal(first.Json.ToArray(), second.Json.ToArray());
    }

    [Fact]
    public void Read_CookieJustWritten_IsACacheHit()
    {
        var time = new FakeTimeProvider(Start);
        var format = Format(time);
        const string Json = """{"session_id":"0123456789abcdef0123456789abcdef","n":1}""";

        var read = format.Read(Request(Write(format, Json, time)));

        Assert.True(read.IsCached, "The value just written was not found in the cache.");
        Assert.Equal(Json, Encoding.UTF8.GetString(read.Json));
    }

    [Fact]
    public void Read_CachedCookieFromItsExp_RefusedAsExpired()
    {
        var time = new FakeTimeProvider(Start);
        var format = Format(time);
        var cookie = Write(format, """{"session_id":"0123456789abcdef0123456789abcdef"}""", time);

        time.Advance(ExpireAfter - TimeSpan.FromMilliseconds(1));
        var before = format.Read(Request(cookie));
        time.Advance(TimeSpan.FromMilliseconds(1));
        var atExp = format.Read(Request(cookie));

        Assert.True(before.IsCached && before.IsLoaded, before.Rejection.ToString());
        Assert.False(atExp.IsLoaded);
        Assert.Equal(SessionCookieRejection.Expired, atExp.Rejection);
    }

    [Fact]
    public void Read_CachedAfterDecryptingFromItsExp_RefusedAsExpired()
    {
        var time = new FakeTimeProvider(Start);
        var cookie = Write(Format(time), """{"session_id":"0123456789abcdef0123456789abcdef"}""", time);
        var reader = Format(time);

        var decrypted = reader.Read(Request(cookie));
        time.Advance(ExpireAfter);
        var atExp = reader.Read(Request(cookie));

        Assert.True(decrypted.IsLoaded && !decrypted.IsCached);
        Assert.Equal(SessionCookieRejection.Expired, atExp.Rejection);
    }

    [Fact]
    public void Write_SessionWithoutSessionId_ReadBackWithTheIdItWasGiven()
    {
        var time = new FakeTimeProvider(Start);
        var format = Format(time);
        var cookie = Write(format, """{"n":1}""", time);

        var first = format.Read(Request(cookie));
        var second = format.Read(Request(cookie));

        var id = JsonNode.Parse(first.Json)!["session_id"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.False(first.IsCached, "Cached as written, without the session_id the cookie carries.");
        Assert.True(second.IsCached);
        Assert.Equal(id, JsonNode.Parse(second.Json)!["session_id"]!.GetValue<string>());
    }

    private static WireFormat Format(TimeProvider time)
    {
        var options = new CookieSessionOptions { Format = CookieSessionFormat.Rails, Secret = Secret };
        options.Cookie.Name = "_app_session";
        options.Cookie.MaxAge = ExpireAfter;
        var services = new ServiceCollection().BuildServiceProvider();
        return WireFormat.Create(options, new SecretsReload(Microsoft.Extensions.Options.Options.DefaultName, options, services, NullLogger.Instance), time, NullLogger.Instance, services);
    }

    private static string Write(WireFormat format, string json, TimeProvider time)
    {
        var context = new DefaultHttpContext();
        var now = time.GetUtcNow();
        format.Write(context.Response, Encoding.UTF8.GetBytes(json), new SessionTimes(now, now), new CookieOptions { Path = "/", MaxAge = ExpireAfter });
        return context.Response.Headers.SetCookie.ToString().Split(';')[0];
    }

    private static HttpRequest Request(string cookie)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = cookie;
        return context.Request;
    }
}
