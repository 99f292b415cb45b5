using System.Text;
using System.Text.Json.Nodes;
using CookieSession.Formats;
using CookieSession.Formats.Flask;
using CookieSession.Json;
using Microsoft.Extensions.Time.Testing;

namespace CookieSession.Tests.Interop;

/// <summary>
/// The Flask codec and the real Flask (tests/interop/flask/app.py) over HTTP, value for value: what one writes, the
/// other reads, with the same secret, lifetime and clock.
/// </summary>
[Collection(FlaskCollection.Name)]
public sealed class FlaskCodecInteropTests(FlaskPeer flask)
{
    private const string Secret = "the Flask app's SECRET_KEY, shared with .NET";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(31);

    [Fact]
    public async Task Counter_IncrementedOnAlternateSides_CountsEveryStep()
    {
        using var client = new FlaskClient(await flask.StartAsync(Secret));
        var codec = Codec(Secret);

        var cookie = (await client.SendAsync("increment", null)).SetCookie;
        for (var expected = 2; expected <= 6; expected += 2)
        {
            var read = codec.Decode(cookie);
            Assert.True(read.IsLoaded, read.Rejection.ToString());
            var session = JsonNode.Parse(read.Json.ToArray())!.AsObject();
            Assert.Equal(expected - 1, (int)session["counter"]!);
            session["counter"] = expected;
            cookie = Encode(codec, session.ToJsonString());

            var answer = await client.SendAsync("increment", cookie);
            Assert.Equal(expected + 1, (int)answer.Body!["counter"]!);
            cookie = answer.SetCookie;
        }
    }

    [Fact]
    public async Task RichJson_WrittenByDotNet_IsWhatFlaskLoads()
    {
        using var client = new FlaskClient(await flask.StartAsync(Secret));
        const string json = """{"name":"Zoë ☃ 𝄞 \"quoted\" \\ \n","nested":{"list":[1,2.5,-3e-7,true,false,null,{"deep":["x"]}],"empty":{}},"big":9007199254740993,"unicode_key_é":"✓"}""";

        var loaded = await client.ReadAsync(Encode(Codec(Secret), json));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), loaded), loaded.ToJsonString());
    }

    [Fact]
    public async Task RichJson_WrittenByFlask_IsWhatDotNetLoads()
    {
        using var client = new FlaskClient(await flask.StartAsync(Secret));
        var values = new JsonObject
        {
            ["name"] = "Zoë ☃ 𝄞 \"quoted\" \\ \n",
            ["nested"] = new JsonObject { ["list"] = new JsonArray(1, 2.5, -3e-7, true, false, null, new JsonObject { ["deep"] = new JsonArray("x") }) },
            ["big"] = 9007199254740993,
        };

        var cookie = (await client.SendAsync("set", null, values)).SetCookie;
        var read = Codec(Secret).Decode(cookie);

        Assert.True(read.IsLoaded, read.Rejection.ToString());
        Assert.True(JsonNode.DeepEquals(values, JsonNode.Parse(read.Json.ToArray())), Encoding.UTF8.GetString(read.Json));
    }

    [Fact]
    public async Task LargeSession_CompressedByEitherSide_IsReadByTheOther()
    {
        using var client = new FlaskClient(await flask.StartAsync(Secret));
        var cart = new JsonArray([.. Enumerable.Range(0, 60).Select(i => (JsonNode)new JsonObject { ["sku"] = $"SKU-{i:0000}", ["note"] = "the same words again" })]);

        var flaskCookie = (await client.SendAsync("set", null, new JsonObject { ["cart"] = cart })).SetCookie!;
        var read = Codec(Secret).Decode(flaskCookie);
        var dotnetCookie = Encode(Codec(Secret), read.Json);
        var loaded = await client.ReadAsync(dotnetCookie);

        Assert.StartsWith(".", flaskCookie, StringComparison.Ordinal);
        Assert.StartsWith(".", dotnetCookie, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(cart, loaded["cart"]));
    }

    [Fact]
    public async Task TaggedValues_KeptByDotNetWhileChangingAnotherKey_AreStillFlasksTypes()
    {
        using var client = new FlaskClient(await flask.StartAsync(Secret));
        var written = await client.SendAsync("typed", null);
        var read = Codec(Secret).Decode(written.SetCookie);
        var session = JsonNode.Parse(read.Json.ToArray())!.AsObject();

        // What .NET sees: Flask's tags as they are.
        Assert.Equal("""{" t":[1,"two",3.5]}""", session["tuple"]!.ToJsonString());
        Assert.Equal("""{" b":"AAFiaW5hcnn/"}""", session["bytes"]!.ToJsonString());
        Assert.Equal("""{" di":{" t__":"a dict whose only key is a tag"}}""", session["tag_like"]!.ToJsonString());
        session["counter"] = 41;
        var loaded = await client.ReadAsync(Encode(Codec(Secret), session.ToJsonString()));

        Assert.Equal(41, (int)loaded["counter"]!);
        written.Body!.AsObject().Add("counter", 41);
        Assert.True(JsonNode.DeepEquals(written.Body, loaded), loaded.ToJsonString());
    }

    [Fact]
    public async Task Flashes_WrittenByEitherSide_AreFlasksCategoryMessageTuples()
    {
        using var client = new FlaskClient(await flask.StartAsync(Secret));
        var flashed = await client.SendAsync("flash", null, new { message = "Käse saved", category = "success" });
        var session = JsonNode.Parse(Codec(Secret).Decode(flashed.SetCookie).Json.ToArray())!.AsObject();

        Assert.Equal("""[{" t":["success","Käse saved"]}]""", session["_flashes"]!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        session["_flashes"]!.AsArray().Add(JsonNode.Parse("""{" t":["message","Added by .NET"]}"""));
        var answer = await client.SendAsync("flashes", Encode(Codec(Secret), session.ToJsonString()), post: false);

        Assert.Equal("""[["success","Käse saved"],["message","Added by .NET"]]""", answer.Body!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public async Task Tampered_DotNetCookie_IsAnEmptySessionForFlask()
    {
        using var client = new FlaskClient(await flask.StartAsync(Secret));
        var cookie = Encode(Codec(Secret), """{"user_id":1}""");
        var tampered = Encode(Codec(Secret), """{"user_id":2}""")[..cookie.LastIndexOf('.')] + cookie[cookie.LastIndexOf('.')..];

        Assert.Equal(1, (int)(await client.ReadAsync(cookie))["user_id"]!);
        Assert.Empty(await client.ReadAsync(tampered));
    }

    [Fact]
    public async Task ForeignSecret_OnEitherSide_IsAnEmptySession()
    {
        using var client = new FlaskClient(await flask.StartAsync(Secret));

        Assert.Empty(await client.ReadAsync(Encode(Codec("another application's secret"), """{"user_id":1}""")));
        var flaskCookie = (await client.SendAsync("increment", null)).SetCookie;
        Assert.Equal(SessionCookieRejection.BadSignature, Codec("another application's secret").Decode(flaskCookie).Rejection);
    }

    [Fact]
    public async Task Rotation_OldSecretCookie_RenewedByDotNetUnderTheNew_IsReadByFlaskWithOnlyTheNew()
    {
        const string oldSecret = "the SECRET_KEY before rotation";
        using var oldFlask = new FlaskClient(await flask.StartAsync(oldSecret));
        using var newFlask = new FlaskClient(await flask.StartAsync(Secret));
        var rotated = new FlaskCodec(FlaskKeys.Ring([Secret, oldSecret]), Lifetime, TimeProvider.System);

        var oldCookie = (await oldFlask.SendAsync("set", null, new { user_id = 7 })).SetCookie;
        Assert.Empty(await newFlask.ReadAsync(oldCookie));
        var read = rotated.Decode(oldCookie);
        Assert.True(read.IsLoaded);
        Assert.True(read.NeedsRenewal);

        var renewed = Encode(rotated, read.Json);
        Assert.Equal(7, (int)(await newFlask.ReadAsync(renewed))["user_id"]!);
        Assert.Empty(await oldFlask.ReadAsync(renewed));
    }

    [Fact]
    public async Task Expiry_MovedClocks_BothSidesRefuseACookieOlderThanTheLifetime()
    {
        var lifetime = TimeSpan.FromHours(1);
        using var client = new FlaskClient(await flask.StartAsync(Secret, lifetime));
        var now = TimeProvider.System.GetUtcNow();

        // .NET's cookie, read by Flask as its clock moves past the lifetime (two seconds of margin for the test's own time).
        var dotnetCookie = Encode(Codec(Secret, lifetime), """{"user_id":1}""");
        Assert.Equal(1, (int)(await client.ReadAsync(dotnetCookie, clockOffset: lifetime - TimeSpan.FromSeconds(2)))["user_id"]!);
        Assert.Empty(await client.ReadAsync(dotnetCookie, clockOffset: lifetime + TimeSpan.FromSeconds(2)));

        // Flask's cookie, read by .NET as its clock moves past the lifetime.
        var flaskCookie = (await client.SendAsync("increment", null)).SetCookie;
        Assert.True(Codec(Secret, lifetime, new FakeTimeProvider(now + lifetime - TimeSpan.FromSeconds(2))).Decode(flaskCookie).IsLoaded);
        Assert.Equal(SessionCookieRejection.Expired, Codec(Secret, lifetime, new FakeTimeProvider(now + lifetime + TimeSpan.FromSeconds(2))).Decode(flaskCookie).Rejection);
    }

    private static FlaskCodec Codec(string secret, TimeSpan? lifetime = null, TimeProvider? time = null)
        => new(FlaskKeys.Ring([secret]), lifetime ?? Lifetime, time ?? TimeProvider.System);

    private static string Encode(FlaskCodec codec, string json) => Encode(codec, Encoding.UTF8.GetBytes(json));

    private static string Encode(FlaskCodec codec, ReadOnlySpan<byte> json)
    {
        var buffer = new PooledByteBuffer(256);
        try
        {
            var now = TimeProvider.System.GetUtcNow();
            codec.Encode(json, new SessionTimes(now, now), ref buffer);
            return Encoding.ASCII.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }
}
