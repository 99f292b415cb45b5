using System.Text.Json.Nodes;

namespace CookieSession.Tests.Interop;

/// <summary>
/// iron-session's sealed cookie between the real iron-session@9.0.1 and @8.0.4 (on iron-webcrypto 2 and 1) and this
/// library's <see cref="CookieSessionFormat.IronSession"/>, both ways, through a browser-like cookie jar.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class IronSessionInteropTests
{
    private const string Password = "an iron-session password of at least 32 characters";
    private const string OldPassword = "the iron-session password before the rotation";
    private const string OtherPassword = "somebody else's password, also 32 characters or more";
    private const string CookieName = CookieSessionDefaults.IronSessionCookieName;

    private const string Values = """
        {"quote":"say \"hi\"","control":"\u0000\u001f\u007f","separators":"\u2028\u2029","emoji":"😀👍🏽",
         "nested":{"a":{"b":[1,[2,{"c":null}]],"d":{}}},"numbers":[0,-1,9007199254740992,1.5,1e21,1e-7],
         "booleans":[true,false],"nothing":null,"cut":"\ud83d","\ud800":"lone key","b":"second","7":"seven"}
        """;

    private readonly NodePeers _peers;

    public IronSessionInteropTests(NodePeers peers) => _peers = peers;

    public static TheoryData<string, bool> Peers => new()
    {
        { "iron9", true },
        { "iron9", false },
        { "iron8", true },
        { "iron8", false },
    };

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Counter_IncrementedOnEachSide_SeenByTheOther(string peer, bool nodeFirst)
    {
        var (first, second) = await SidesAsync(peer, nodeFirst, Password);
        using var browser = new Browser();

        Assert.Equal("{\"count\":1}", (await browser.GetAsync(first, "/inc")).Body);
        Assert.Equal("{\"count\":2}", (await browser.GetAsync(second, "/inc")).Body);
        Assert.Equal("{\"count\":3}", (await browser.GetAsync(first, "/inc")).Body);
        Assert.Equal("{\"count\":3}", CanonicalJson.Of((await browser.GetAsync(second, "/get")).Body));
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Values_WrittenByOneSide_ReadIdenticallyByTheOther(string peer, bool nodeFirst)
    {
        var (writer, reader) = await SidesAsync(peer, nodeFirst, Password);
        using var browser = new Browser();

        var written = await browser.PostAsync(writer, "/set", Values);
        var read = await browser.GetAsync(reader, "/get");

        Assert.NotEmpty(written.SetCookies);
        Assert.Equal(CanonicalJson.Of(Values), CanonicalJson.Of(read.Body));
        Assert.Empty(read.SetCookies);
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Clear_OnOneSide_EndsTheSessionForTheOther(string peer, bool nodeFirst)
    {
        var (first, second) = await SidesAsync(peer, nodeFirst, Password);
        using var browser = new Browser();
        await browser.GetAsync(first, "/inc");

        await browser.GetAsync(second, "/clear");

        Assert.False(browser.Cookies.ContainsKey(CookieName));
        Assert.Equal("{}", (await browser.GetAsync(first, "/get")).Body);
    }

    [Theory]
    [InlineData("iron9")]
    [InlineData("iron8")]
    public async Task TamperedOrForeignSeal_IsAnEmptySession(string peer)
    {
        var node = await _peers.NodeAsync(peer, Password);
        var foreign = await _peers.NodeAsync(peer, OtherPassword);
        var dotnet = await _peers.DotNetAsync(CookieSessionFormat.IronSession, Password);
        using var browser = new Browser();

        await browser.GetAsync(foreign, "/inc");
        var otherPassword = await browser.GetAsync(dotnet, "/get");
        await browser.GetAsync(node, "/inc");
        var seal = browser.Cookies[CookieName];
        var star = seal.IndexOf('*', 30);
        browser.Restore(new Dictionary<string, string> { [CookieName] = seal[..(star + 1)] + (seal[star + 1] == 'A' ? 'B' : 'A') + seal[(star + 2)..] });
        var tampered = await browser.GetAsync(dotnet, "/get");

        Assert.Equal("{}", otherPassword.Body);
        Assert.Equal("{}", tampered.Body);
    }

    [Theory]
    [InlineData("iron9")]
    [InlineData("iron8")]
    public async Task Rotation_OldSealReadWithNumberedPasswords_ResealedWithTheNewest(string peer)
    {
        // Node before the rotation: one password, id 1. .NET after: { 2: new, 1: old }. Node after: only { 2: new }.
        var before = await _peers.NodeAsync(peer, OldPassword);
        var dotnet = await _peers.DotNetAsync(CookieSessionFormat.IronSession, Password, OldPassword);
        var after = await _peers.NodeAsync(peer, "{\"2\":\"" + Password + "\"}");
        using var browser = new Browser();

        await browser.GetAsync(before, "/inc");
        var unreadable = browser.Cookies[CookieName];
        var resealed = await browser.GetAsync(dotnet, "/inc");
        var read = await browser.GetAsync(after, "/get");

        Assert.StartsWith("Fe26.2*1*", unreadable, StringComparison.Ordinal);
        Assert.Equal("{\"count\":2}", resealed.Body);
        Assert.StartsWith("Fe26.2*2*", browser.Cookies[CookieName], StringComparison.Ordinal);
        Assert.Equal("{\"count\":2}", CanonicalJson.Of(read.Body));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ChunkedSession_WrittenByOneSide_ReadByTheOther(bool nodeFirst)
    {
        var node = await _peers.NodeAsync("iron9", "--chunk", Password);
        var dotnet = await _peers.DotNetAsync(CookieSessionFormat.IronSession, Password);
        var (writer, reader) = nodeFirst ? (node, dotnet) : (dotnet, node);
        using var browser = new Browser();
        var big = new JsonObject { ["blob"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3000)) }.ToJsonString();

        var written = await browser.PostAsync(writer, "/set", big);
        var read = await browser.GetAsync(reader, "/get");
        await browser.GetAsync(reader, "/clear");

        Assert.Contains(CookieName + ".0", written.SetCookies.Select(c => c.Split('=')[0]));
        Assert.Contains(CookieName + ".1", written.SetCookies.Select(c => c.Split('=')[0]));
        Assert.Equal(CanonicalJson.Of(big), CanonicalJson.Of(read.Body));
        Assert.Empty(browser.Cookies);
    }

    [Theory]
    [InlineData("iron9")]
    [InlineData("iron8")]
    public async Task ExpiredSeal_EitherWay_IsAnEmptySession(string peer)
    {
        var node = await _peers.NodeAsync(peer, Password);
        var dotnet = await _peers.DotNetAsync(CookieSessionFormat.IronSession, Password);
        using var http = new HttpClient();
        var now = DateTimeOffset.UtcNow;

        // Node seals with a ttl of 60 s on a clock 10 minutes behind: expired (with iron's 60 s of skew) by now.
        var sealedByNode = await PostAsync(http, node, "/seal", new JsonObject { ["data"] = new JsonObject { ["count"] = 7 }, ["ttl"] = 60 }, now.AddMinutes(-10));
        var readByDotNet = await GetWithCookieAsync(http, dotnet, sealedByNode["seal"]!.GetValue<string>());

        // .NET seals with iron-session's default ttl of 14 days: Node, 15 days on, refuses it; today it reads it.
        var sealedByDotNet = await GetSealAsync(http, dotnet);
        var readLater = await PostAsync(http, node, "/unseal", new JsonObject { ["seal"] = sealedByDotNet }, now.AddDays(15));
        var readToday = await PostAsync(http, node, "/unseal", new JsonObject { ["seal"] = sealedByDotNet }, now);

        Assert.Equal("{}", readByDotNet);
        Assert.Equal("{}", readLater["data"]!.ToJsonString());
        Assert.Equal("{\"count\":1}", readToday["data"]!.ToJsonString());
    }

    private static async Task<JsonObject> PostAsync(HttpClient http, Uri server, string path, JsonObject body, DateTimeOffset now)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, path)) { Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Iron-Now", now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static async Task<string> GetWithCookieAsync(HttpClient http, Uri server, string seal)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "/get"));
        request.Headers.TryAddWithoutValidation("Cookie", CookieName + "=" + seal);
        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<string> GetSealAsync(HttpClient http, Uri server)
    {
        using var response = await http.GetAsync(new Uri(server, "/inc"));
        var header = response.Headers.GetValues("Set-Cookie").Single(h => h.StartsWith(CookieName + "=", StringComparison.Ordinal));
        return header[(CookieName.Length + 1)..header.IndexOf(';', StringComparison.Ordinal)];
    }

    private async Task<(Uri First, Uri Second)> SidesAsync(string peer, bool nodeFirst, string password)
    {
        var node = await _peers.NodeAsync(peer, password);
        var dotnet = await _peers.DotNetAsync(CookieSessionFormat.IronSession, password);
        return nodeFirst ? (node, dotnet) : (dotnet, node);
    }
}
