namespace CookieSession.Tests.Interop;

/// <summary>Express's cookie-parser signed (s:) and JSON (j:) cookies, both ways.</summary>
[Collection(InteropCollection.Name)]
public sealed class CookieParserInteropTests
{
    private const string Secret = "interop secret, long enough to sign";

    private const string Cookies = """
        [{"name":"greeting","value":"hello wörld; \"quoted\" 😀","signed":true},
         {"name":"prefs","value":{"theme":"dark","n":[1,2.5,1e21],"7":true},"signed":true},
         {"name":"plain","value":{"a":1},"signed":false}]
        """;

    // A signed JSON cookie holding lone surrogates (cut emoji) in a value, a name and a nested array.
    private const string LoneSurrogates = """[{"name":"cut","value":{"v":"\ud83d","\ud800":["x\udc00"]},"signed":true}]""";

    private readonly NodePeers _peers;

    public CookieParserInteropTests(NodePeers peers) => _peers = peers;

    [Fact]
    public async Task CookiesExpressWrote_ReadByDotNet()
    {
        var node = await _peers.NodeAsync("cookie-parser", Secret);
        var dotnet = await _peers.DotNetAsync(CookieSessionFormat.Connect, Secret);
        using var browser = new Browser();

        await browser.PostAsync(node, "/cookies/set", Cookies);
        var greeting = await browser.GetAsync(dotnet, "/cookies/read?name=greeting");
        var prefs = await browser.GetAsync(dotnet, "/cookies/read?name=prefs");
        var plain = await browser.GetAsync(dotnet, "/cookies/read?name=plain");

        Assert.Equal(CanonicalJson.Of("""{"signed":"hello wörld; \"quoted\" 😀","json":null,"plainJson":null}"""), CanonicalJson.Of(greeting.Body));
        Assert.Equal(CanonicalJson.Of("""{"7":true,"theme":"dark","n":[1,2.5,1e21]}"""), CanonicalJson.Of(prefs.Body.Split("\"json\":")[1].Split(",\"plainJson\"")[0]));
        Assert.Equal(CanonicalJson.Of("""{"signed":null,"json":null,"plainJson":{"a":1}}"""), CanonicalJson.Of(plain.Body));
    }

    [Fact]
    public async Task CookiesDotNetWrote_ReadByExpress()
    {
        var node = await _peers.NodeAsync("cookie-parser", Secret);
        var dotnet = await _peers.DotNetAsync(CookieSessionFormat.Connect, Secret);
        using var browser = new Browser();

        await browser.PostAsync(dotnet, "/cookies/set", Cookies);
        var read = await browser.GetAsync(node, "/cookies");

        Assert.Equal(
            CanonicalJson.Of("""{"signed":{"greeting":"hello wörld; \"quoted\" 😀","prefs":{"7":true,"theme":"dark","n":[1,2.5,1e21]}},"cookies":{"plain":{"a":1}}}"""),
            CanonicalJson.Of(read.Body));
    }

    [Fact]
    public async Task ConnectSessionCookieDotNetWrote_IsASignedJsonCookieToExpress()
    {
        var node = await _peers.NodeAsync("cookie-parser", Secret);
        var dotnet = await _peers.DotNetAsync(CookieSessionFormat.Connect, Secret);
        using var browser = new Browser();

        await browser.PostAsync(dotnet, "/set", """{"user":"ana"}""");
        var read = await browser.GetAsync(node, "/cookies");

        Assert.Equal(CanonicalJson.Of("""{"signed":{"connect.sess":{"user":"ana"}},"cookies":{}}"""), CanonicalJson.Of(read.Body));
    }

    [Fact]
    public async Task JsonCookieWithLoneSurrogates_ExpressWrote_ReadByDotNetAsJavaScriptHasIt()
    {
        var node = await _peers.NodeAsync("cookie-parser", Secret);
        var dotnet = await _peers.DotNetAsync(CookieSessionFormat.Connect, Secret);
        using var browser = new Browser();

        await browser.PostAsync(node, "/cookies/set", LoneSurrogates);
        var read = await browser.GetAsync(dotnet, "/cookies/read?name=cut");

        Assert.Equal("""{"signed":"j:{\"v\":\"\\ud83d\",\"\\ud800\":[\"x\\udc00\"]}","json":{"v":"\ud83d","\ud800":["x\udc00"]},"plainJson":null}""", read.Body);
    }

    [Fact]
    public async Task JsonCookieWithLoneSurrogates_DotNetWrote_ReadByExpressAsTheSameString()
    {
        var node = await _peers.NodeAsync("cookie-parser", Secret);
        var dotnet = await _peers.DotNetAsync(CookieSessionFormat.Connect, Secret);
        using var browser = new Browser();

        await browser.PostAsync(dotnet, "/cookies/set", LoneSurrogates);
        var read = await browser.GetAsync(node, "/cookies");

        Assert.Equal("""{"signed":{"cut":{"v":"\ud83d","\ud800":["x\udc00"]}},"cookies":{}}""", read.Body);
    }
}
