using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;

namespace CookieSession.Tests.Interop;

/// <summary>
/// A Django app (Debian's Django 3.2 with the signed_cookies backend, tests/interop/django/app.py) and an ASP.NET Core
/// app on Kestrel with <see cref="CookieSessionFormat.Django"/> sharing one browser's session cookie, both ways: the
/// same routes on each side (<see cref="DotNetPeer"/>).
/// </summary>
[Collection(DjangoCollection.Name)]
public sealed class DjangoSessionInteropTests : IAsyncLifetime
{
    private const string Secret = "django-insecure-kestrel interop secret, long enough";
    private const string OldSecret = "the SECRET_KEY before this rotation";
    private const string CookieName = "sessionid";
    private static readonly TimeSpan TwoWeeks = TimeSpan.FromSeconds(1209600);

    // Every kind of value both sides must carry unchanged; "cart" makes the JSON long enough for Django to compress it.
    private const string Values = """
        {"quote":"say \"hi\"","backslash":"a\\b\\\\c","control":"\u0000\u0001\b\f\n\r\t\u001f\u007f",
         "html":"<script>alert(1)</script>&amp;","separators":"\u2028\u2029","emoji":"😀👍🏽","nonBmp":"𐍈𝄞",
         "accents":"zoë, Ærøskøbing","nested":{"a":{"b":[1,[2,{"c":null}]],"d":{}}},"emptyArray":[],"emptyObject":{},
         "numbers":[0,-1,9007199254740993,1.5,123456.789,1e+21,-2.5],"booleans":[true,false],"nothing":null,
         "cart":{"sku-01":1,"sku-02":2,"sku-03":3,"sku-04":4,"sku-05":5,"sku-06":6,"sku-07":7,"sku-08":8}}
        """;

    private readonly DjangoPeers _peers;
    private readonly List<WebApplication> _apps = [];

    public DjangoSessionInteropTests(DjangoPeers peers) => _peers = peers;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Counter_IncrementedOnAlternateSides_SeenByTheOther(bool djangoFirst)
    {
        var django = await _peers.DjangoAsync(Secret);
        var net = await NetAsync(Secret);
        var (first, second) = djangoFirst ? (django, net) : (net, django);
        using var browser = new Browser();

        var counts = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            counts.Add((await browser.GetAsync(i % 2 == 0 ? first : second, "/inc")).Body);
        }

        var back = await browser.GetAsync(first, "/get");

        Assert.Equal(["{\"count\":1}", "{\"count\":2}", "{\"count\":3}", "{\"count\":4}"], counts);
        Assert.Equal("{\"count\":4}", CanonicalJson.Of(back.Body));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Values_WrittenByOneSide_ReadIdenticallyAndNotRewrittenByTheOther(bool djangoWrites)
    {
        var django = await _peers.DjangoAsync(Secret);
        var net = await NetAsync(Secret);
        var (writer, reader) = djangoWrites ? (django, net) : (net, django);
        using var browser = new Browser();

        var written = await browser.PostAsync(writer, "/set", Values);
        var read = await browser.GetAsync(reader, "/get");
        var touched = await browser.GetAsync(reader, "/touch");

        Assert.NotEmpty(written.SetCookies);
        Assert.Equal(CanonicalJson.Of(Values), CanonicalJson.Of(read.Body));
        Assert.Empty(read.SetCookies);
        Assert.Empty(touched.SetCookies);
    }

    [Fact]
    public async Task SetCookie_FromNet_AsDjangoWritesIt()
    {
        var net = await NetAsync(Secret);
        using var browser = new Browser();

        var response = await browser.GetAsync(net, "/inc");

        var cookie = SetCookieHeaderValue.Parse(Assert.Single(response.SetCookies));
        Assert.Equal(CookieName, cookie.Name.Value);
        Assert.Equal(TwoWeeks, cookie.MaxAge);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path.Value);
        Assert.Matches("^[A-Za-z0-9_-]+:[0-9A-Za-z]+:[A-Za-z0-9_-]{43}$", cookie.Value.Value);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Clear_OnOneSide_TheOtherSeesNoSession(bool djangoClears)
    {
        var django = await _peers.DjangoAsync(Secret);
        var net = await NetAsync(Secret);
        var (clearing, other) = djangoClears ? (django, net) : (net, django);
        using var browser = new Browser();
        await browser.PostAsync(other, "/set", """{"user":"ada"}""");

        var cleared = await browser.GetAsync(clearing, "/clear");
        var after = await browser.GetAsync(other, "/get");

        Assert.Contains(cleared.SetCookies, c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));
        Assert.False(browser.Cookies.ContainsKey(CookieName));
        Assert.Equal("{}", after.Body);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Tampered_EitherSidesCookie_AnEmptySessionOnBoth(bool djangoWrites)
    {
        var django = await _peers.DjangoAsync(Secret);
        var net = await NetAsync(Secret);
        using var browser = new Browser();
        await browser.PostAsync(djangoWrites ? django : net, "/set", """{"role":"user"}""");
        var value = browser.Cookies[CookieName];

        // The payload says "admin" now, under the original timestamp and signature.
        var forged = Convert.ToBase64String("{\"role\":\"admin\"}"u8).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        browser.AddCookies($"{CookieName}={forged}{value[value.IndexOf(':', StringComparison.Ordinal)..]}");
        var byNet = await browser.GetAsync(net, "/get");
        var byDjango = await browser.GetAsync(django, "/get");

        Assert.Equal(System.Net.HttpStatusCode.OK, byNet.Status);
        Assert.Equal("{}", byNet.Body);
        Assert.Equal("{}", byDjango.Body);
    }

    [Fact]
    public async Task ForeignSecret_NetDoesNotReadDjangosCookie()
    {
        var django = await _peers.DjangoAsync("another project's SECRET_KEY");
        var net = await NetAsync(Secret);
        using var browser = new Browser();
        await browser.GetAsync(django, "/inc");

        var read = await browser.GetAsync(net, "/get");

        Assert.Equal("{}", read.Body);
    }

    [Fact]
    public async Task Rotation_NetWithNewAndOld_RenewsDjangosOldCookie_DjangoWithOnlyTheNewReadsIt()
    {
        var before = await _peers.DjangoAsync(OldSecret);
        var after = await _peers.DjangoAsync(Secret);
        var net = await NetAsync(Secret, OldSecret);
        using var browser = new Browser();
        await browser.PostAsync(before, "/set", """{"user":"ada","count":3}""");
        var oldCookie = browser.Cookies[CookieName];

        var unreadable = await browser.GetAsync(after, "/get");
        browser.AddCookies($"{CookieName}={oldCookie}");
        var touched = await browser.GetAsync(net, "/touch");
        var readByNew = await browser.GetAsync(after, "/get");

        Assert.Equal("{}", unreadable.Body);              // Django 3.2 has no SECRET_KEY_FALLBACKS
        Assert.Equal("{\"touched\":2}", touched.Body);
        Assert.NotEmpty(touched.SetCookies);               // written again under the new secret, though unchanged
        Assert.NotEqual(oldCookie, browser.Cookies[CookieName]);
        Assert.Equal("{\"user\":\"ada\",\"count\":3}", readByNew.Body);
    }

    [Fact]
    public async Task Expiry_DjangosCookieOnNetsLaterClock_AnEmptySession()
    {
        var django = await _peers.DjangoAsync(Secret);
        var later = await NetAsync(Secret, clock: DateTimeOffset.UtcNow + TwoWeeks + TimeSpan.FromMinutes(1));
        var sooner = await NetAsync(Secret, clock: DateTimeOffset.UtcNow + TwoWeeks - TimeSpan.FromMinutes(1));
        using var browser = new Browser();
        await browser.GetAsync(django, "/inc");
        var cookie = browser.Cookies[CookieName];

        var stillValid = await browser.GetAsync(sooner, "/get");
        var expired = await browser.GetAsync(later, "/get");

        Assert.Equal("{\"count\":1}", stillValid.Body);
        Assert.Equal("{}", expired.Body);
    }

    [Fact]
    public async Task Expiry_NetsCookieOnDjangosLaterClock_AnEmptySession()
    {
        var django = await _peers.DjangoAsync(Secret);
        var net = await NetAsync(Secret);
        using var browser = new Browser();
        await browser.GetAsync(net, "/inc");

        var stillValid = await browser.GetAsync(django, $"/get?clock={(int)TwoWeeks.TotalSeconds - 60}");
        var expired = await browser.GetAsync(django, $"/get?clock={(int)TwoWeeks.TotalSeconds + 60}");

        Assert.Equal("{\"count\":1}", stillValid.Body);
        Assert.Equal("{}", expired.Body);
    }

    [Fact]
    public async Task Expiry_ShorterSessionCookieAgeOnBothSides_EnforcedByEach()
    {
        var django = await _peers.DjangoAsync(Secret, sessionCookieAge: 3600);
        var net = await NetAsync(Secret, configure: o => o.Django.SessionCookieAge = TimeSpan.FromHours(1));
        var netLater = await NetAsync(Secret, clock: DateTimeOffset.UtcNow.AddHours(1).AddMinutes(1), configure: o => o.Django.SessionCookieAge = TimeSpan.FromHours(1));
        using var browser = new Browser();

        var written = await browser.GetAsync(net, "/inc");
        var djangoLater = await browser.GetAsync(django, "/get?clock=3660");
        await browser.GetAsync(django, "/inc");
        var byNetLater = await browser.GetAsync(netLater, "/get");

        Assert.Equal(TimeSpan.FromHours(1), SetCookieHeaderValue.Parse(Assert.Single(written.SetCookies)).MaxAge);
        Assert.Equal("{}", djangoLater.Body);
        Assert.Equal("{}", byNetLater.Body);
    }

    private async Task<Uri> NetAsync(string secret, string? older = null, DateTimeOffset? clock = null, Action<CookieSessionOptions>? configure = null)
    {
        var (app, address) = await DotNetPeer.StartAsync(CookieSessionFormat.Django, older is null ? [secret] : [secret, older], o =>
        {
            if (clock is { } now)
            {
                o.TimeProvider = new FakeTimeProvider(now);
            }

            configure?.Invoke(o);
        });
        _apps.Add(app);
        return address;
    }
}
