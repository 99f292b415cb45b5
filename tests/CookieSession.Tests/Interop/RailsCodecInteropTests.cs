using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Formats;
using CookieSession.Formats.Rails;
using CookieSession.Json;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Interop;

/// <summary>
/// The Rails codec and the real Rails (tests/interop/rails/server.rb, Debian's Rails 6.1 and its CookieStore)
/// passing one cookie over real HTTP: what Rails wrote, the codec opens; what the codec wrote, Rails reads. Rails 7's
/// SHA-256 key derivation runs in the same Rails with the key generator swapped, as Rails 7 configures it.
/// </summary>
[Collection(RailsInteropCollection.Name)]
public sealed class RailsCodecInteropTests
{
    private const string Secret = "c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11c0ffee";
    private const string OldSecret = "the secret_key_base before rotation, still readable for a while";
    private const string CookieName = "_peer_session";

    private const string Values = """
        {"name":"Zoë <b>&</b> \u2028 日本 😀","nested":{"list":[1,-2,2.5,1e+21,null,true,false],"empty":{},"deep":{"a":{"b":["c"]}}},"count":41}
        """;

    private readonly RailsPeers _peers;

    public RailsCodecInteropTests(RailsPeers peers) => _peers = peers;

    [Theory]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    public async Task RailsCookie_OpenedByCodec_HoldsTheSessionRailsSees(string digest)
    {
        var rails = await _peers.RailsAsync([$"--digest={digest}"], Secret);
        using var browser = new Browser();

        await browser.PostAsync(rails, "/set", Values);
        var seen = await browser.GetAsync(rails, "/get");
        var result = Codec(digest).Decode(browser.Cookies[CookieName]);

        Assert.True(result.IsLoaded, $"rejected: {result.Rejection}");
        Assert.False(result.NeedsRenewal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(seen.Body), JsonNode.Parse(result.Json)));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Values)!["nested"], JsonNode.Parse(result.Json)!["nested"]));
    }

    [Theory]
    [InlineData("SHA1")]
    [InlineData("SHA256")]
    public async Task CodecCookie_ReadByRails_AsWritten(string digest)
    {
        var rails = await _peers.RailsAsync([$"--digest={digest}"], Secret);
        using var browser = new Browser();
        browser.AddCookies($"{CookieName}={Uri.EscapeDataString(Encode(Codec(digest), Values))}");

        var seen = JsonNode.Parse((await browser.GetAsync(rails, "/get")).Body)!.AsObject();
        var inc = await browser.GetAsync(rails, "/inc");

        Assert.Matches("^[0-9a-f]{32}$", (string?)seen["session_id"]);
        seen.Remove("session_id");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Values), seen));
        Assert.Equal("{\"count\":42}", inc.Body);
    }

    [Fact]
    public async Task CodecCookie_SessionIdOfRails_KeptAsRailsWroteIt()
    {
        var rails = await _peers.RailsAsync(["--digest=SHA256"], Secret);
        using var browser = new Browser();
        var railsId = (string?)JsonNode.Parse((await browser.PostAsync(rails, "/set", "{\"a\":1}")).Body)!["session_id"];
        var read = Codec("SHA256").Decode(browser.Cookies[CookieName]);

        browser.AddCookies($"{CookieName}={Uri.EscapeDataString(Encode(Codec("SHA256"), Encoding.UTF8.GetString(read.Json)))}");
        var seen = JsonNode.Parse((await browser.GetAsync(rails, "/get")).Body)!;

        Assert.Equal(railsId, (string?)seen["session_id"]);
    }

    [Fact]
    public async Task CodecCookie_UnderAnotherDigest_RailsStartsAnEmptySession()
    {
        var rails = await _peers.RailsAsync(["--digest=SHA1"], Secret);
        using var browser = new Browser();
        browser.AddCookies($"{CookieName}={Uri.EscapeDataString(Encode(Codec("SHA256"), Values))}");

        var seen = JsonNode.Parse((await browser.GetAsync(rails, "/get")).Body)!.AsObject();

        Assert.Empty(seen);
    }

    [Fact]
    public async Task Upgrade_Sha1CookieReadWhileSha256Writes_RailsUnderSha256ReadsTheRewrittenOne()
    {
        var rails61 = await _peers.RailsAsync(["--digest=SHA1"], Secret);
        var rails7 = await _peers.RailsAsync(["--digest=SHA256"], Secret);
        using var browser = new Browser();
        await browser.PostAsync(rails61, "/set", "{\"cart\":[\"sku-1\"]}");
        var codec = new RailsCodec(RailsKeyDerivation.Ring([Secret], HashAlgorithmName.SHA256, [HashAlgorithmName.SHA1]), CookieName, null, false, TimeProvider.System);

        var read = codec.Decode(browser.Cookies[CookieName]);
        browser.AddCookies($"{CookieName}={Uri.EscapeDataString(Encode(codec, Encoding.UTF8.GetString(read.Json)))}");
        var seen = JsonNode.Parse((await browser.GetAsync(rails7, "/get")).Body)!;

        Assert.True(read.IsLoaded, $"rejected: {read.Rejection}");
        Assert.True(read.NeedsRenewal);
        Assert.Equal("sku-1", (string?)seen["cart"]![0]);
    }

    [Fact]
    public async Task Rotation_OldSecretCookie_RewrittenUnderNewSecretThatRailsWithOnlyTheNewReads()
    {
        var railsOld = await _peers.RailsAsync(["--digest=SHA256"], OldSecret);
        var railsNew = await _peers.RailsAsync(["--digest=SHA256"], Secret);
        using var browser = new Browser();
        await browser.GetAsync(railsOld, "/inc");
        var codec = new RailsCodec(RailsKeyDerivation.Ring([Secret, OldSecret], HashAlgorithmName.SHA256, []), CookieName, null, false, TimeProvider.System);

        var read = codec.Decode(browser.Cookies[CookieName]);
        var foreign = Codec("SHA256").Decode(browser.Cookies[CookieName]);
        browser.AddCookies($"{CookieName}={Uri.EscapeDataString(Encode(codec, Encoding.UTF8.GetString(read.Json)))}");
        var inc = await browser.GetAsync(railsNew, "/inc");

        Assert.True(read.NeedsRenewal);
        Assert.Equal(SessionCookieRejection.Undecryptable, foreign.Rejection);
        Assert.Equal("{\"count\":2}", inc.Body);
    }

    [Fact]
    public async Task MarshalCookie_FromRails_RefusedUndeserialized()
    {
        var rails = await _peers.RailsAsync(["--digest=SHA256", "--serializer=marshal"], Secret);
        using var browser = new Browser();
        await browser.GetAsync(rails, "/inc");

        var result = Codec("SHA256").Decode(browser.Cookies[CookieName]);

        Assert.Equal(SessionCookieRejection.UnsupportedSerializer, result.Rejection);
    }

    [Fact]
    public async Task Expiry_RailsExpireAfter_EnforcedByTheCodecOnItsClock()
    {
        var rails = await _peers.RailsAsync(["--digest=SHA256", "--expire-after=3600"], Secret);
        var issued = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var browser = new Browser();
        await browser.GetAtAsync(rails, "/inc", issued);
        var time = new FakeTimeProvider(issued.AddMinutes(59));
        var codec = new RailsCodec(RailsKeyDerivation.Ring([Secret], HashAlgorithmName.SHA256, []), CookieName, null, false, time);

        var fresh = codec.Decode(browser.Cookies[CookieName]);
        time.Advance(TimeSpan.FromMinutes(1));
        var stale = codec.Decode(browser.Cookies[CookieName]);

        Assert.True(fresh.IsLoaded, $"rejected: {fresh.Rejection}");
        Assert.Equal(SessionCookieRejection.Expired, stale.Rejection);
    }

    [Fact]
    public async Task Expiry_CodecExpireAfter_EnforcedByRailsOnItsClock()
    {
        var rails = await _peers.RailsAsync(["--digest=SHA256"], Secret);
        var issued = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var codec = new RailsCodec(RailsKeyDerivation.Ring([Secret], HashAlgorithmName.SHA256, []), CookieName, TimeSpan.FromHours(1), false, TimeProvider.System);
        var cookie = $"{CookieName}={Uri.EscapeDataString(Encode(codec, "{\"count\":5}", issued))}";
        using var browser = new Browser();

        browser.AddCookies(cookie);
        var fresh = await browser.GetAtAsync(rails, "/inc", issued.AddMinutes(59));
        browser.AddCookies(cookie);
        var stale = await browser.GetAtAsync(rails, "/inc", issued.AddHours(1));

        Assert.Equal("{\"count\":6}", fresh.Body);
        Assert.Equal("{\"count\":1}", stale.Body);
    }

    private static RailsCodec Codec(string digest)
        => new(RailsKeyDerivation.Ring([Secret], new HashAlgorithmName(digest), []), CookieName, null, false, TimeProvider.System);

    private static string Encode(RailsCodec codec, string json, DateTimeOffset? issuedAt = null)
    {
        var buffer = new PooledByteBuffer(256);
        try
        {
            var at = issuedAt ?? DateTimeOffset.UtcNow;
            codec.Encode(Encoding.UTF8.GetBytes(json.Trim()), new SessionTimes(at, at), ref buffer);
            return Encoding.ASCII.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }
}
