using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Properties;

/// <summary>
/// The smallest inputs <see cref="CookieFuzzTests"/> found failing (seed 20260102), kept as fixed cases: each is a
/// validly signed session whose JSON JavaScript's <c>JSON.parse</c> accepts. The first theory runs each through
/// the same checks as the property tests; the second through a real server, one session API per request.
/// </summary>
public sealed class CookieFuzzRegressionTests
{
    [Theory]
    // A lone surrogate escape in a key: the key is escaped, so the load builds the tree and Utf8JsonReader.GetString
    // throws (RawJsonObject.Build from SessionData.TryLoad), on the first use of the session, whatever it is.
    [InlineData("Connect", """{"\ud83d":1}""")]
    [InlineData("Connect", """{"\udc00":1}""")]
    [InlineData("ExpressCookieSession", """{"\ud83d":1}""")]
    // A lone surrogate escape in a value: Get<string> throws (SessionData.TryConvert); so do Get<JsonNode>, the
    // indexer and HttpContext.Session.GetString (RawJsonObject.Build), in arrays and nested objects as well.
    [InlineData("Connect", """{"a":"\ud83d"}""")]
    [InlineData("Connect", """{"a":"\udc3d"}""")]
    [InlineData("Connect", """{"a":["\ude00"]}""")]
    [InlineData("Connect", """{"a":{"\udbff":0}}""")]
    [InlineData("ExpressCookieSession", """{"a":"\ud83d"}""")]
    // A number beyond a double, once the session is a tree (here because its key is escaped): held as Infinity, which
    // Get<T> for any T but double passes to JsonSerializer, whose writer throws ArgumentException (SessionData.Convert).
    [InlineData("Connect", """{"\u0061":1e400}""")]
    [InlineData("ExpressCookieSession", """{"\u0061":1e400}""")]
    public async Task Read_SignedJsonFoundByFuzzing_NeverFails(string format, string json)
    {
        using var fuzzer = new CookieFuzzer(FuzzFormats.Named(format));
        var bytes = Encoding.UTF8.GetBytes(json);
        var headers = new[] { CookieGenerators.Join(fuzzer.Format.Sign(bytes, SessionTestHost.Secret)) };

        // Index 0 reads through the tree (indexer, HttpContext.Session), index 1 in place.
        var tree = await fuzzer.RunAsync(new FuzzCase(CaseClass.SignedJson, 0, headers) { Json = bytes });
        var raw = await fuzzer.RunAsync(new FuzzCase(CaseClass.SignedJson, 1, headers) { Json = bytes });

        Assert.True(tree is null, $"{tree?.Signature}\n{tree?.Detail}");
        Assert.True(raw is null, $"{raw?.Signature}\n{raw?.Detail}");
    }

    public static TheoryData<string, string> ApiCases() => new()
    {
        { """{"\ud83d":1}""", "IsNew" },
        { """{"\ud83d":1}""", "Keys" },
        { """{"a":"\ud83d"}""", "Get<string>" },
        { """{"a":"\ud83d"}""", "Get<JsonNode>" },
        { """{"a":"\ud83d"}""", "indexer" },
        { """{"a":"\ud83d"}""", "Session.GetString" },
        { """{"a":"\ud83d"}""", "Keys, Set" },
        { """{"a":1e400}""", "indexer, Get<int>" },
        { """{"a":1e400}""", "indexer, Get<string>" },
        { """{"a":[1e400]}""", "indexer, Get<JsonNode>" },
    };

    [Theory]
    [MemberData(nameof(ApiCases))]
    public async Task Read_SignedJsonFoundByFuzzing_EachSessionApiAnswers200(string json, string api)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            foreach (var step in api.Split(", "))
            {
                Use(context, session, step);
            }

            await context.Response.WriteAsync(session.IsNew ? "new" : "loaded");
        });

        Transaction transaction;
        try
        {
            transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(json));
        }
        catch (Exception e)
        {
            // TestServer hands the application's exception to the client; Kestrel would answer 500.
            Assert.Fail($"The request failed (a server answers 500): {e}");
            throw;
        }

        Assert.Equal(HttpStatusCode.OK, transaction.Status);
        var rejections = host.LogsOf("CookieRejected");
        if (transaction.Body == "new")
        {
            Assert.Single(rejections);
        }
        else
        {
            Assert.Equal("loaded", transaction.Body);
            Assert.Empty(rejections);
        }
    }

    [Fact]
    public async Task Keys_IntegerLikeKeyAfterAnother_SameOrderBeforeAndAfterTheTreeIsBuilt()
    {
        // Found by the property tests comparing Keys with HttpContext.Session.Keys. JavaScript's order (and the order
        // the session is written in) puts integer-like keys first: "3", then "b". Keys gives the cookie's order while
        // the session is read in place, and JavaScript's once a live node has been handed out.
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            var before = string.Join(",", session.Keys);
            _ = session["b"];
            await context.Response.WriteAsync(before + " " + string.Join(",", session.Keys));
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"b":1,"3":2}"""));

        Assert.Equal("3,b 3,b", transaction.Body);
    }

    private static void Use(HttpContext context, ICookieSession session, string api)
    {
        try
        {
            switch (api)
            {
                case "IsNew":
                    _ = session.IsNew;
                    break;
                case "Keys":
                    _ = session.Keys.ToList();
                    break;
                case "Set":
                    session.Set(CookieFuzzer.MarkerKey, 1);
                    break;
                case "Get<string>":
                    _ = session.Get<string>("a");
                    break;
                case "Get<int>":
                    _ = session.Get<int>("a");
                    break;
                case "Get<JsonNode>":
                    _ = session.Get<JsonNode>("a");
                    break;
                case "indexer":
                    _ = session["a"];
                    break;
                case "Session.GetString":
                    _ = context.Session.GetString("a");
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(api), api, "unknown step");
            }
        }
        catch (JsonException)
        {
            // Documented: a value of another type than asked for.
        }
    }
}
