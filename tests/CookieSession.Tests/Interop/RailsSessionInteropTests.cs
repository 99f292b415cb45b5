using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Interop;

/// <summary>
/// One session shared by the real Rails (tests/interop/rails/server.rb, Debian's Rails 6.1 and its CookieStore) and a
/// Kestrel app with <see cref="CookieSessionFormat.Rails"/>, through a browser-like cookie jar, in both directions:
/// Rails 6.1's SHA-1 key derivation and Rails 7's SHA-256 one (the same Rails with its key generator swapped).
/// </summary>
[Collection(RailsInteropCollection.Name)]
public sealed class RailsSessionInteropTests
{
    private const string Secret = "9f2b8e1c4d7a0f3e6b9c2d5a8f1e4b7c0d3a6f9e2b5c8d1a4f7e0b3c6d9a2f5e8b1c4d7a0f3e6b9c2d5a8f1e4b7c0d3a6f9e";
    private const string OldSecret = "the secret_key_base this app had before its rotation, still read for a while";
    private const string ForeignSecret = "the secret_key_base of another Rails app altogether, sharing nothing with ours";
    private const string CookieName = "_peer_session";

    // Rails writes <, > and & as \u003c, \u003e, \u0026 and U+2028 as \u2028: the same strings, which both sides compare as JSON.
    private const string Values = """
        {"name":"Zoë <b>&</b> \u2028 日本 😀","quote":"say \"hi\"","control":"\u0001\n\t","nested":{"list":[1,-2,2.5,0.1,1e+21,null,true,false],"empty":{},"deep":{"a":{"b":["c",{"d":[]}]}}},"big":9007199254740991,"count":41}
        """;

    private readonly RailsPeers _peers;

    public RailsSessionInteropTests(RailsPeers peers) => _peers = peers;

    public static TheoryData<string, bool> Sides => new()
    {
        { "SHA1", true },
        { "SHA1", false },
        { "SHA256", true },
        { "SHA256", false },
    };

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task Counter_IncrementedOnAlternateSides_SeenByTheOther(string digest, bool railsFirst)
    {
        var rails = await _peers.RailsAsync([$"--digest={digest}"], Secret);
        await using var dotnet = await DotNetAsync(o => o.Rails.KeyDerivationDigest = new HashAlgorithmName(digest));
        var (first, second) = railsFirst ? (rails, dotnet.Address) : (dotnet.Address, rails);
        using var browser = new Browser();

        var counts = new List<string>();
        foreach (var side in new[] { first, second, first, second })
        {
            counts.Add((await browser.GetAsync(side, "/inc")).Body);
        }

        Assert.Equal(["{\"count\":1}", "{\"count\":2}", "{\"count\":3}", "{\"count\":4}"], counts);
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task Values_WrittenByOneSide_ReadAlikeByTheOther(string digest, bool railsFirst)
    {
        var rails = await _peers.RailsAsync([$"--digest={digest}"], Secret);
        await using var dotnet = await DotNetAsync(o => o.Rails.KeyDerivationDigest = new HashAlgorithmName(digest));
        var (writer, reader) = railsFirst ? (rails, dotnet.Address) : (dotnet.Address, rails);
        using var browser = new Browser();

        var written = await browser.PostAsync(writer, "/set", Values);
        var read = await browser.GetAsync(reader, "/get");
        var session = JsonNode.Parse(read.Body)!.AsObject();

        Assert.NotEmpty(written.SetCookies);
        Assert.Matches("^[0-9a-f]{32}$", (string?)session["session_id"]);
        session.Remove("session_id");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Values), session), read.Body);
        if (!railsFirst)
        {
            return;
        }

        // A request that only reads leaves Rails' cookie as it is. (/get hands out the values as nodes the handler could
        // change, so its commit compares the JSON it would write with Rails' spelling, \u003c and all, and writes.)
        var touched = await browser.GetAsync(reader, "/touch");
        Assert.Empty(touched.SetCookies);
    }

    [Fact]
    public async Task Clear_OnDotNet_RailsFindsNoSession()
    {
        var rails = await _peers.RailsAsync([], Secret);
        await using var dotnet = await DotNetAsync(o => o.Rails.KeyDerivationDigest = HashAlgorithmName.SHA1);
        using var browser = new Browser();
        await browser.PostAsync(rails, "/set", "{\"user_id\":7}");

        var cleared = await browser.GetAsync(dotnet.Address, "/clear");
        var seen = await browser.GetAsync(rails, "/get");

        Assert.Contains(cleared.SetCookies, c => c.StartsWith(CookieName + "=;", StringComparison.Ordinal));
        Assert.False(browser.Cookies.ContainsKey(CookieName));
        Assert.Equal("{}", seen.Body);
    }

    [Fact]
    public async Task ResetSession_OnRails_DotNetSeesANewEmptySession()
    {
        var rails = await _peers.RailsAsync([], Secret);
        await using var dotnet = await DotNetAsync(o => o.Rails.KeyDerivationDigest = HashAlgorithmName.SHA1);
        using var browser = new Browser();
        var before = JsonNode.Parse((await browser.GetAsync(dotnet.Address, "/inc")).Body);

        await browser.GetAsync(rails, "/clear");
        var seen = JsonNode.Parse((await browser.GetAsync(dotnet.Address, "/get")).Body)!.AsObject();

        Assert.Equal(1, (int?)before!["count"]);
        Assert.False(seen.ContainsKey("count"));
    }

    [Fact]
    public async Task Tampered_RailsCookie_EmptySessionOnDotNetThenANewOneRailsReads()
    {
        var rails = await _peers.RailsAsync([], Secret);
        await using var dotnet = await DotNetAsync(o => o.Rails.KeyDerivationDigest = HashAlgorithmName.SHA1);
        using var browser = new Browser();
        await browser.PostAsync(rails, "/set", "{\"role\":\"user\"}");
        var value = browser.Cookies[CookieName];
        var tampered = (value[5] == 'A' ? "B" : "A") is var c ? value[..5] + c + value[6..] : value;
        browser.AddCookies($"{CookieName}={tampered}");

        var read = await browser.GetAsync(dotnet.Address, "/get");
        var inc = await browser.GetAsync(dotnet.Address, "/inc");
        var seen = JsonNode.Parse((await browser.GetAsync(rails, "/get")).Body)!;

        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("{}", read.Body);
        Assert.Equal("{\"count\":1}", inc.Body);
        Assert.Equal(1, (int?)seen["count"]);
        Assert.Null(seen["role"]);
    }

    [Fact]
    public async Task ForeignSecret_RailsCookie_EmptySessionOnDotNet()
    {
        var rails = await _peers.RailsAsync([], ForeignSecret);
        await using var dotnet = await DotNetAsync(o => o.Rails.KeyDerivationDigest = HashAlgorithmName.SHA1);
        using var browser = new Browser();
        await browser.GetAsync(rails, "/inc");

        var read = await browser.GetAsync(dotnet.Address, "/get");

        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("{}", read.Body);
    }

    [Fact]
    public async Task Rotation_OldSecretCookie_RewrittenUnderTheNewOneThatRailsWithOnlyTheNewReads()
    {
        var railsOld = await _peers.RailsAsync(["--digest=SHA256"], OldSecret);
        var railsNew = await _peers.RailsAsync(["--digest=SHA256"], Secret);
        await using var dotnet = await DotNetAsync(o => o.Secrets = [Secret, OldSecret]);
        using var browser = new Browser();
        await browser.GetAsync(railsOld, "/inc");

        var read = await browser.GetAsync(dotnet.Address, "/get");
        var inc = await browser.GetAsync(railsNew, "/inc");

        Assert.Equal(1, (int?)JsonNode.Parse(read.Body)!["count"]);
        Assert.Single(read.SetCookies);
        Assert.Equal("{\"count\":2}", inc.Body);
    }

    [Fact]
    public async Task DigestUpgrade_Sha1Cookie_RewrittenUnderSha256ThatRails7Reads()
    {
        var rails61 = await _peers.RailsAsync(["--digest=SHA1"], Secret);
        var rails7 = await _peers.RailsAsync(["--digest=SHA256"], Secret);
        await using var dotnet = await DotNetAsync(o => o.Rails.ReadableKeyDerivationDigests = [HashAlgorithmName.SHA1]);
        using var browser = new Browser();
        await browser.GetAsync(rails61, "/inc");

        var read = await browser.GetAsync(dotnet.Address, "/get");
        var inc = await browser.GetAsync(rails7, "/inc");

        Assert.Equal(1, (int?)JsonNode.Parse(read.Body)!["count"]);
        Assert.Single(read.SetCookies);
        Assert.Equal("{\"count\":2}", inc.Body);
    }

    [Fact]
    public async Task Rails7WithSha1Rotation_ReadsDotNetSha1Cookie()
    {
        var rails7 = await _peers.RailsAsync(["--digest=SHA256", "--old-digest=SHA1"], Secret);
        await using var dotnet = await DotNetAsync(o => o.Rails.KeyDerivationDigest = HashAlgorithmName.SHA1);
        using var browser = new Browser();
        await browser.GetAsync(dotnet.Address, "/inc");

        var inc = await browser.GetAsync(rails7, "/inc");

        Assert.Equal("{\"count\":2}", inc.Body);
    }

    [Fact]
    public async Task Expiry_RailsExpireAfter_EnforcedByDotNetOnItsClock()
    {
        var rails = await _peers.RailsAsync(["--digest=SHA256", "--expire-after=3600"], Secret);
        var issued = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(issued.AddMinutes(59));
        await using var dotnet = await DotNetAsync(o => { o.TimeProvider = time; o.Cookie.MaxAge = TimeSpan.FromHours(1); });
        using var browser = new Browser();
        await browser.GetAtAsync(rails, "/inc", issued);
        var cookie = browser.Cookies[CookieName];

        var fresh = await browser.GetAsync(dotnet.Address, "/touch");
        browser.AddCookies($"{CookieName}={cookie}");
        time.Advance(TimeSpan.FromMinutes(1));
        var stale = await browser.GetAsync(dotnet.Address, "/get");

        Assert.Equal("{\"touched\":2}", fresh.Body);
        Assert.Equal("{}", stale.Body);
    }

    [Fact]
    public async Task Expiry_DotNetMaxAge_EnforcedByRailsOnItsClock()
    {
        var rails = await _peers.RailsAsync(["--digest=SHA256", "--expire-after=3600"], Secret);
        var issued = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using var dotnet = await DotNetAsync(o => { o.TimeProvider = new FakeTimeProvider(issued); o.Cookie.MaxAge = TimeSpan.FromHours(1); });
        using var browser = new Browser();
        await browser.GetAsync(dotnet.Address, "/inc");
        var cookie = browser.Cookies[CookieName];

        var fresh = await browser.GetAtAsync(rails, "/inc", issued.AddMinutes(59));
        browser.AddCookies($"{CookieName}={cookie}");
        var stale = await browser.GetAtAsync(rails, "/inc", issued.AddHours(1));

        Assert.Equal("{\"count\":2}", fresh.Body);
        Assert.Equal("{\"count\":1}", stale.Body);
    }

    [Fact]
    public async Task RailsOwnKeys_CsrfTokenAndFlash_KeptThroughDotNetWrites()
    {
        var rails = await _peers.RailsAsync([], Secret);
        await using var dotnet = await DotNetAsync(o => o.Rails.KeyDerivationDigest = HashAlgorithmName.SHA1);
        using var browser = new Browser();
        var before = JsonNode.Parse((await browser.GetAsync(rails, "/csrf")).Body)!;

        await browser.GetAsync(dotnet.Address, "/inc");
        var after = JsonNode.Parse((await browser.GetAsync(rails, "/get")).Body)!;

        Assert.Equal((string?)before["session_id"], (string?)after["session_id"]);
        Assert.Equal((string?)before["_csrf_token"], (string?)after["_csrf_token"]);
        Assert.Equal(1, (int?)after["count"]);
    }

    private static async Task<DotNetRails> DotNetAsync(Action<CookieSessionOptions> configure)
    {
        var (app, address) = await DotNetPeer.StartAsync(CookieSessionFormat.Rails, [Secret], o =>
        {
            o.Cookie.Name = CookieName;
            configure(o);
        });
        return new DotNetRails(app, address);
    }

    private sealed record DotNetRails(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
