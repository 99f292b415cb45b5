using System.Net;
using System.Text.Json.Nodes;

namespace CookieSession.Tests.Interop;

/// <summary>
/// Sessions passed between the real Node packages and this library, through a browser-like cookie jar, in
/// both directions: connect@2.11.0 and connect@2.30.2 (cookieSession) with the Connect format, and
/// cookie-session@2.1.1 with the Express format.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class SessionInteropTests
{
    private const string Secret = "interop secret, long enough to sign";
    private const string OldSecret = "the secret before rotation";

    // Every kind of value the formats must carry unchanged. "7" is integer-like: JavaScript writes it first.
    private const string Values = """
        {"quote":"say \"hi\"","backslash":"a\\b\\\\c","control":"\u0000\u0001\b\f\n\r\t\u001f\u007f",
         "html":"<script>alert(1)</script>&amp;","separators":"\u2028\u2029","emoji":"😀👍🏽","nonBmp":"𐍈𝄞",
         "accents":"zoë, Ærøskøbing","nested":{"a":{"b":[1,[2,{"c":null}]],"d":{}}},"emptyArray":[],"emptyObject":{},
         "numbers":[0,-1,9007199254740992,1.5,1e21,1e-7,-2.5e-8,123456.789],"booleans":[true,false],"nothing":null,
         "b":"second","7":"seven","a":"third"}
        """;

    // Lone surrogates (cut emoji) in values, a key, nested arrays and objects, as JSON.stringify writes them.
    private const string LoneSurrogates = """
        {"cut":"\ud83d","mixed":"a\udc00b","\ud800":"lone key","nested":{"\udbff":["x\udfff",{"deep":"\ud83d!"}]},"pair":"😀"}
        """;

    private readonly NodePeers _peers;

    public SessionInteropTests(NodePeers peers) => _peers = peers;

    public static TheoryData<string, bool> Peers => new()
    {
        { "connect-2.11.0", true },
        { "connect-2.11.0", false },
        { "connect-2.30.2", true },
        { "connect-2.30.2", false },
        { "cookie-session", true },
        { "cookie-session", false },
    };

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Counter_IncrementedOnEachSide_SeenByTheOther(string peer, bool nodeFirst)
    {
        var (first, second) = await SidesAsync(peer, nodeFirst);
        using var browser = new Browser();

        var one = await browser.GetAsync(first, "/inc");
        var two = await browser.GetAsync(second, "/inc");
        var back = await browser.GetAsync(first, "/get");

        Assert.Equal("{\"count\":1}", one.Body);
        Assert.Equal("{\"count\":2}", two.Body);
        Assert.Equal("{\"count\":2}", CanonicalJson.Of(back.Body));
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Values_WrittenByOneSide_ReadIdenticallyAndNotRewrittenByTheOther(string peer, bool nodeFirst)
    {
        var (writer, reader) = await SidesAsync(peer, nodeFirst);
        using var browser = new Browser();

        var written = await browser.PostAsync(writer, "/set", Values);
        var read = await browser.GetAsync(reader, "/get");
        var touched = await browser.GetAsync(reader, "/touch");

        Assert.NotEmpty(written.SetCookies);
        Assert.Equal(CanonicalJson.Of(Values), CanonicalJson.Of(read.Body));
        Assert.StartsWith("{\"7\":\"seven\",", CanonicalJson.Of(read.Body), StringComparison.Ordinal);

        // The reader re-serialized the session it read and found the very bytes the writer signed.
        Assert.Empty(read.SetCookies);
        Assert.Empty(touched.SetCookies);
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task LoneSurrogates_WrittenByOneSide_ReadIdenticallyAndNotRewrittenByTheOther(string peer, bool nodeFirst)
    {
        var (writer, reader) = await SidesAsync(peer, nodeFirst);
        using var browser = new Browser();

        var written = await browser.PostAsync(writer, "/set", LoneSurrogates);
        var read = await browser.GetAsync(reader, "/get");
        var touched = await browser.GetAsync(reader, "/touch");

        // Both sides answer with JSON.stringify's text: the very escapes, not U+FFFD.
        Assert.NotEmpty(written.SetCookies);
        Assert.Equal(LoneSurrogates, written.Body);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(LoneSurrogates, read.Body);
        Assert.Equal("{\"touched\":5}", touched.Body);
        Assert.Empty(read.SetCookies);
        Assert.Empty(touched.SetCookies);
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task LoneSurrogates_KeptWhenTheOtherSideChangesAnotherKey(string peer, bool nodeFirst)
    {
        var (writer, changer) = await SidesAsync(peer, nodeFirst);
        using var browser = new Browser();

        await browser.PostAsync(writer, "/set", LoneSurrogates);
        var changed = await browser.GetAsync(changer, "/inc");
        var back = await browser.GetAsync(writer, "/get");

        Assert.NotEmpty(changed.SetCookies);
        Assert.Equal(LoneSurrogates[..^1] + ",\"count\":1}", back.Body);
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Change_MadeByTheReader_SeenByTheWriter(string peer, bool nodeFirst)
    {
        var (writer, reader) = await SidesAsync(peer, nodeFirst);
        using var browser = new Browser();

        await browser.PostAsync(writer, "/set", Values);
        var changed = await browser.PostAsync(reader, "/set", """{"fromReader":"é\"\u2028","b":"replaced"}""");
        var back = await browser.GetAsync(writer, "/get");
        var touched = await browser.GetAsync(writer, "/touch");

        Assert.NotEmpty(changed.SetCookies);
        var expected = JsonNode.Parse(Values)!.AsObject();
        expected["b"] = "replaced";
        expected["fromReader"] = "é\"\u2028";
        Assert.Equal(CanonicalJson.Of(expected.ToJsonString()), CanonicalJson.Of(back.Body));
        Assert.Empty(touched.SetCookies);
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task EmptyObject_WrittenByOneSide_ReadAsEmptyByTheOther(string peer, bool nodeFirst)
    {
        var (writer, reader) = await SidesAsync(peer, nodeFirst);
        using var browser = new Browser();

        await browser.PostAsync(writer, "/set", """{"a":1}""");
        var emptied = await browser.GetAsync(writer, "/empty");
        var read = await browser.GetAsync(reader, "/get");
        var touched = await browser.GetAsync(reader, "/touch");

        Assert.NotEmpty(emptied.SetCookies);
        Assert.NotEmpty(browser.Cookies);
        Assert.Equal("{}", read.Body);
        Assert.Empty(touched.SetCookies);
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Clear_OnOneSide_DeletesTheSessionForTheOther(string peer, bool nodeFirst)
    {
        var (writer, clearer) = await SidesAsync(peer, nodeFirst);
        using var browser = new Browser();

        await browser.PostAsync(writer, "/set", """{"user":"ana"}""");
        var cleared = await browser.GetAsync(clearer, "/clear");
        var after = await browser.GetAsync(writer, "/get");

        Assert.NotEmpty(cleared.SetCookies);
        Assert.Equal("{}", after.Body);
    }

    [Theory]
    [InlineData("connect-2.11.0")]
    [InlineData("connect-2.30.2")]
    [InlineData("cookie-session")]
    public async Task Rotation_NodeOldSecret_ReadByDotNetAndResignedForNodeWithNewSecret(string peer)
    {
        var format = Format(peer);
        var nodeOld = await _peers.NodeAsync(peer, OldSecret);
        var dotnet = await _peers.DotNetAsync(format, Secret, OldSecret);
        var nodeNew = await _peers.NodeAsync(peer, Secret);
        using var browser = new Browser();

        await browser.PostAsync(nodeOld, "/set", """{"user":"ana"}""");
        var oldCookies = browser.Cookies.ToDictionary();
        var read = await browser.GetAsync(dotnet, "/get");
        var afterRotation = await browser.GetAsync(nodeNew, "/get");

        Assert.Equal("{\"user\":\"ana\"}", read.Body);
        Assert.NotEmpty(read.SetCookies);
        Assert.Equal("{\"user\":\"ana\"}", CanonicalJson.Of(afterRotation.Body));

        // Without the re-signing, Node with only the new secret could not have read it.
        using var stale = new Browser();
        stale.Restore(oldCookies);
        Assert.Equal("{}", (await stale.GetAsync(nodeNew, "/get")).Body);
    }

    [Theory]
    [InlineData("connect-2.11.0")]
    [InlineData("cookie-session")]
    public async Task Tampered_CookieFromNode_IsAnEmptySessionInDotNet(string peer)
    {
        var node = await _peers.NodeAsync(peer, Secret);
        var dotnet = await _peers.DotNetAsync(Format(peer), Secret);
        using var browser = new Browser();

        await browser.PostAsync(node, "/set", """{"admin":false}""");
        var name = peer == "cookie-session" ? "session" : "connect.sess";
        var cookies = browser.Cookies.ToDictionary();
        cookies[name] = peer == "cookie-session"
            ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
                System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(cookies[name])).Replace("false", "true", StringComparison.Ordinal)))
            : Uri.EscapeDataString(Uri.UnescapeDataString(cookies[name]).Replace("false", "true", StringComparison.Ordinal));
        Assert.Contains("true", Decode(peer, cookies[name]), StringComparison.Ordinal);
        browser.Restore(cookies);

        var read = await browser.GetAsync(dotnet, "/get");

        Assert.Equal(System.Net.HttpStatusCode.OK, read.Status);
        Assert.Equal("{}", read.Body);
    }

    private async Task<(Uri First, Uri Second)> SidesAsync(string peer, bool nodeFirst)
    {
        var node = await _peers.NodeAsync(peer, Secret);
        var dotnet = await _peers.DotNetAsync(Format(peer), Secret);
        return nodeFirst ? (node, dotnet) : (dotnet, node);
    }

    private static string Decode(string peer, string value)
        => peer == "cookie-session"
            ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value))
            : Uri.UnescapeDataString(value);

    private static CookieSessionFormat Format(string peer)
        => peer == "cookie-session" ? CookieSessionFormat.ExpressCookieSession : CookieSessionFormat.Connect;
}
