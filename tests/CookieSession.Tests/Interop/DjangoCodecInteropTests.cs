using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Formats;
using CookieSession.Formats.Django;
using CookieSession.Json;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Interop;

/// <summary>
/// The Django codec and the real Django (Debian's 3.2, tests/interop/django/app.py) reading each other's session
/// cookie over HTTP: values, both secrets' sides of a rotation, a foreign secret, tampering, and the age of a
/// cookie on either side's moved clock.
/// </summary>
[Collection(DjangoCollection.Name)]
public sealed class DjangoCodecInteropTests
{
    private const string Secret = "django-insecure interop secret, long enough to sign";
    private const string OldSecret = "the SECRET_KEY before rotation";
    private const string CookieName = "sessionid";
    private static readonly TimeSpan TwoWeeks = TimeSpan.FromSeconds(1209600);

    // Every kind of value both sides must carry unchanged (Python's json reads and writes them all alike).
    private const string Values = """
        {"quote":"say \"hi\"","backslash":"a\\b\\\\c","control":"\u0000\u0001\b\f\n\r\t\u001f\u007f",
         "html":"<script>alert(1)</script>&amp;","separators":"\u2028\u2029","emoji":"😀👍🏽","nonBmp":"𐍈𝄞",
         "accents":"zoë, Ærøskøbing","nested":{"a":{"b":[1,[2,{"c":null}]],"d":{}}},"emptyArray":[],"emptyObject":{},
         "numbers":[0,-1,9007199254740993,1.5,123456.789,1e+21],"booleans":[true,false],"nothing":null,
         "cart":{"sku-01":1,"sku-02":2,"sku-03":3,"sku-04":4,"sku-05":5,"sku-06":6,"sku-07":7,"sku-08":8}}
        """;

    private readonly DjangoPeers _peers;

    public DjangoCodecInteropTests(DjangoPeers peers) => _peers = peers;

    [Fact]
    public async Task DjangoWrites_CodecReads_TheSameSession()
    {
        var django = await _peers.DjangoAsync(Secret);
        using var browser = new Browser();

        await browser.PostAsync(django, "/set", Values);
        var result = Codec(Secret).Decode(browser.Cookies[CookieName]);

        Assert.True(result.IsLoaded, result.Rejection.ToString());
        Assert.Equal(CanonicalJson.Of(Values), CanonicalJson.Of(Encoding.UTF8.GetString(result.Json)));
        Assert.StartsWith(".", browser.Cookies[CookieName], StringComparison.Ordinal); // compressed, as Django chose
    }

    [Theory]
    [InlineData(Values)]
    [InlineData("{}")]
    [InlineData("{\"count\":1}")]
    public async Task CodecWrites_DjangoReads_TheSameSession(string json)
    {
        var django = await _peers.DjangoAsync(Secret);
        using var browser = new Browser();
        browser.AddCookies($"{CookieName}={Encode(Codec(Secret), json, DateTimeOffset.UtcNow)}");

        var read = await browser.GetAsync(django, "/get");
        var touched = await browser.GetAsync(django, "/touch");

        Assert.Equal(CanonicalJson.Of(json), CanonicalJson.Of(read.Body));
        Assert.Empty(touched.SetCookies); // read, not rewritten: Django found nothing wrong with it
    }

    [Fact]
    public async Task CodecWritesLongSession_Compressed_DjangoReadsTheSameSession()
    {
        var django = await _peers.DjangoAsync(Secret);
        using var browser = new Browser();
        var json = "{\"cart\":{" + string.Join(",", Enumerable.Range(0, 200).Select(i => $"\"sku-{i:D4}\":{i}")) + "}}";
        var value = Encode(Codec(Secret), json, DateTimeOffset.UtcNow);
        browser.AddCookies($"{CookieName}={value}");

        var read = await browser.GetAsync(django, "/get");

        Assert.StartsWith(".", value, StringComparison.Ordinal); // compressed at zlib's fastest level
        Assert.Equal(CanonicalJson.Of(json), CanonicalJson.Of(read.Body));
    }

    [Fact]
    public async Task Counter_IncrementedOnAlternateSides_CountsEveryStep()
    {
        var django = await _peers.DjangoAsync(Secret);
        var codec = Codec(Secret);
        using var browser = new Browser();

        for (var expected = 1; expected <= 6; expected += 2)
        {
            var inc = await browser.GetAsync(django, "/inc");
            Assert.Equal($"{{\"count\":{expected}}}", inc.Body);

            // The .NET side's turn: read Django's cookie, count, write it back.
            var session = JsonNode.Parse(codec.Decode(browser.Cookies[CookieName]).Json)!.AsObject();
            Assert.Equal(expected, session["count"]!.GetValue<int>());
            session["count"] = expected + 1;
            browser.AddCookies($"{CookieName}={Encode(codec, session.ToJsonString(), DateTimeOffset.UtcNow)}");
        }

        var last = await browser.GetAsync(django, "/get");
        Assert.Equal("{\"count\":6}", last.Body);
    }

    [Fact]
    public async Task Rotation_DjangoUnderOldSecret_NetReadsWithBothWritesUnderNew_DjangoWithNewOnlyReadsIt()
    {
        var before = await _peers.DjangoAsync(OldSecret);
        var after = await _peers.DjangoAsync(Secret);
        using var browser = new Browser();
        await browser.PostAsync(before, "/set", """{"user":"ada","count":3}""");
        var oldCookie = browser.Cookies[CookieName];

        // .NET during the rotation: [new, old].
        var rotating = Codec(Secret, OldSecret);
        var read = rotating.Decode(oldCookie);
        Assert.True(read.IsLoaded);
        Assert.True(read.NeedsRenewal);
        var renewed = Encode(rotating, Encoding.UTF8.GetString(read.Json), DateTimeOffset.UtcNow);

        // Django after the rotation knows only the new secret: it reads .NET's cookie, and not the old one.
        browser.AddCookies($"{CookieName}={renewed}");
        var readByNew = await browser.GetAsync(after, "/get");
        browser.AddCookies($"{CookieName}={oldCookie}");
        var oldReadByNew = await browser.GetAsync(after, "/get");

        Assert.Equal("{\"user\":\"ada\",\"count\":3}", readByNew.Body);
        Assert.Equal("{}", oldReadByNew.Body);
    }

    [Fact]
    public async Task ForeignSecret_NeitherSideReadsTheOthersCookie()
    {
        var foreign = await _peers.DjangoAsync("another project's SECRET_KEY");
        var django = await _peers.DjangoAsync(Secret);
        using var browser = new Browser();

        await browser.GetAsync(foreign, "/inc");
        var byNet = Codec(Secret).Decode(browser.Cookies[CookieName]);
        browser.AddCookies($"{CookieName}={Encode(Codec("another .NET secret"), "{\"count\":9}", DateTimeOffset.UtcNow)}");
        var byDjango = await browser.GetAsync(django, "/get");

        Assert.Equal(SessionCookieRejection.BadSignature, byNet.Rejection);
        Assert.Equal("{}", byDjango.Body);
    }

    [Fact]
    public async Task Tampered_NeitherSideReadsIt()
    {
        var django = await _peers.DjangoAsync(Secret);
        using var browser = new Browser();
        await browser.PostAsync(django, "/set", """{"role":"user"}""");
        var djangos = browser.Cookies[CookieName];
        var nets = Encode(Codec(Secret), """{"role":"user"}""", DateTimeOffset.UtcNow);

        // The payload says "admin" now, under the original timestamp and signature.
        var forged = Convert.ToBase64String("{\"role\":\"admin\"}"u8).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var byNet = Codec(Secret).Decode(forged + djangos[djangos.IndexOf(':', StringComparison.Ordinal)..]);
        browser.AddCookies($"{CookieName}={forged}{nets[nets.IndexOf(':', StringComparison.Ordinal)..]}");
        var byDjango = await browser.GetAsync(django, "/get");

        Assert.Equal(SessionCookieRejection.BadSignature, byNet.Rejection);
        Assert.Equal("{}", byDjango.Body);
    }

    [Fact]
    public async Task Expiry_DjangoCookieOlderThanSessionCookieAge_RefusedByNet()
    {
        var django = await _peers.DjangoAsync(Secret);
        using var browser = new Browser();

        // Signed by Django as if two weeks and a minute ago.
        await browser.GetAsync(django, "/inc?clock=-1209660");
        var cookie = browser.Cookies[CookieName];

        Assert.Equal(SessionCookieRejection.Expired, Codec(Secret).Decode(cookie).Rejection);
        Assert.True(Codec(Secret, clockOffset: TimeSpan.FromMinutes(-2)).Decode(cookie).IsLoaded);
    }

    [Fact]
    public async Task Expiry_NetCookieOlderThanSessionCookieAge_RefusedByDjango()
    {
        var django = await _peers.DjangoAsync(Secret);
        var shortLived = await _peers.DjangoAsync(Secret, sessionCookieAge: 60);
        using var browser = new Browser();
        browser.AddCookies($"{CookieName}={Encode(Codec(Secret), "{\"count\":1}", DateTimeOffset.UtcNow.AddSeconds(-120))}");

        var fresh = await browser.GetAsync(django, "/get");
        var pastItsAge = await browser.GetAsync(shortLived, "/get");
        var later = await browser.GetAsync(django, "/get?clock=1209600");

        Assert.Equal("{\"count\":1}", fresh.Body);
        Assert.Equal("{}", pastItsAge.Body);
        Assert.Equal("{}", later.Body);
    }

    [Fact]
    public async Task Clear_DjangoDeletesTheCookie()
    {
        var django = await _peers.DjangoAsync(Secret);
        using var browser = new Browser();
        browser.AddCookies($"{CookieName}={Encode(Codec(Secret), "{\"count\":1}", DateTimeOffset.UtcNow)}");

        var cleared = await browser.GetAsync(django, "/clear");

        Assert.Contains(cleared.SetCookies, c => c.StartsWith(CookieName + "=\"\";", StringComparison.Ordinal) && c.Contains("Max-Age=0", StringComparison.Ordinal));
        Assert.False(browser.Cookies.ContainsKey(CookieName));
    }

    private static DjangoCodec Codec(string secret, string? older = null, TimeSpan clockOffset = default)
        => new(DjangoKeys.Ring(older is null ? [secret] : [secret, older]), TwoWeeks, expireAtBrowserClose: false, new FakeTimeProvider(DateTimeOffset.UtcNow + clockOffset));

    private static string Encode(DjangoCodec codec, string json, DateTimeOffset issuedAt)
    {
        var buffer = new PooledByteBuffer(256);
        try
        {
            codec.Encode(Encoding.UTF8.GetBytes(json), new SessionTimes(issuedAt, issuedAt), ref buffer);
            return Encoding.ASCII.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }
}
