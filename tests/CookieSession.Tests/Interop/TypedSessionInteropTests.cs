using System.Text.Json.Nodes;

namespace CookieSession.Tests.Interop;

/// <summary>
/// A session written by the real Node packages, read and changed in .NET as a typed <see cref="ICookieSession{TSession}"/>
/// that declares only some of its keys (<see cref="ShopSession"/>), then read by Node again: what .NET changed is
/// there, and what only Node knows is as Node wrote it.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class TypedSessionInteropTests(NodePeers peers)
{
    private const string Secret = "interop secret, long enough to sign";
    private const string IronPassword = "an iron-session password of at least 32 characters";

    // nodeOnly is not a ShopSession property: nested values, a number Node writes as 1e+21 and non-ASCII text.
    private const string Written = """
        {"user":"ana","cart":{"choc-chip":2},
         "nodeOnly":{"theme":{"colour":"dark","sizes":[1,2.5,1e21]},"greeting":"Grüße aus Zürich, 東京 😀\u2028"}}
        """;

    public static TheoryData<string, CookieSessionFormat> Peers => new()
    {
        { "connect-2.11.0", CookieSessionFormat.Connect },
        { "connect-2.30.2", CookieSessionFormat.Connect },
        { "cookie-session", CookieSessionFormat.ExpressCookieSession },
        { "iron9", CookieSessionFormat.IronSession },
        { "iron8", CookieSessionFormat.IronSession },
    };

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Value_CartChangedInDotNet_NodeSeesTheChangeAndItsOwnKeysUntouched(string peer, CookieSessionFormat format)
    {
        var secret = format == CookieSessionFormat.IronSession ? IronPassword : Secret;
        var node = await peers.NodeAsync(peer, secret);
        var dotnet = await peers.DotNetAsync(format, secret);
        using var browser = new Browser();

        await browser.PostAsync(node, "/set", Written);
        var changed = await browser.GetAsync(dotnet, "/cart/add?sku=matcha");
        var back = JsonNode.Parse((await browser.GetAsync(node, "/get")).Body)!;

        // .NET read the user and the cart through the type, and wrote the cart it changed.
        Assert.Equal("""{"user":"ana","cart":{"choc-chip":2,"matcha":1}}""", changed.Body);
        Assert.NotEmpty(changed.SetCookies);

        var written = JsonNode.Parse(Written)!;
        Assert.True(JsonNode.DeepEquals(written["nodeOnly"], back["nodeOnly"]), "nodeOnly changed: " + back["nodeOnly"]?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"choc-chip":2,"matcha":1}"""), back["cart"]), "cart: " + back["cart"]?.ToJsonString());
        Assert.Equal("ana", back["user"]!.GetValue<string>());
    }
}
