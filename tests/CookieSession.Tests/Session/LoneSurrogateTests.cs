using System.Net;
using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Session;

/// <summary>
/// Strings holding lone surrogates (a cut emoji), which JavaScript strings and .NET strings both allow and
/// Node's JSON.stringify writes as <c>\ud83d</c>. The cookies here are what Node 20 writes for
/// <c>{ v: '\ud83d', ... }</c>. Strings in response bodies show their surrogates as <c>\uxxxx</c>, because a
/// body is UTF-8 and cannot carry a lone surrogate.
/// </summary>
public sealed class LoneSurrogateTests
{
    /// <summary>Lone surrogates only in values: the session is read in place.</summary>
    private const string InValues =
        """{"v":"\ud83d","mixed":"a\udc00b","nested":{"a":["x\udc00",{"b":"\udfff"}]},"pair":"😀","count":1}""";

    /// <summary>A lone surrogate in a key too: the session is read as a tree.</summary>
    private const string InKeys =
        """{"v":"\ud83d","\ud800":"key","nested":{"\udbff":["x\udc00",{"b":"\udfff"}]},"count":1}""";

    public static TheoryData<string> Sessions => [InValues, InKeys];

    public static TheoryData<string, string> SessionsAndKeys => new()
    {
        { InValues, "v,mixed,nested,pair,count" },
        { InKeys, "v,\\ud800,nested,count" },
    };

    [Theory]
    [MemberData(nameof(SessionsAndKeys))]
    public async Task Get_NodeWroteLoneSurrogates_ReadsThemAndOtherKeys(string json, string keys)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            await context.Response.WriteAsync(string.Join("|",
                Show(session.Get<string>("v")),
                session.Get<int>("count"),
                string.Join(",", session.Keys.Select(Show)),
                session.IsChanged));
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(json));

        Assert.Equal(HttpStatusCode.OK, transaction.Status);
        Assert.Equal($"\\ud83d|1|{keys}|False", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Get_LoneSurrogateKey_FindsItsValue()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            await context.Response.WriteAsync($"{session.Get<string>("\ud800")}|{session.Get<string>("\uFFFD") ?? "absent"}");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(InKeys));

        Assert.Equal("key|absent", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public async Task LiveNode_ReadButNotChanged_SendsNoCookie(string json)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            var view = string.Join(",", session.Keys.Select(k => session[k]?.GetType().Name));
            await context.Response.WriteAsync(view + "|" + session.IsChanged);
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(json));

        Assert.EndsWith("|False", transaction.Body, StringComparison.Ordinal);
        Assert.Empty(transaction.SetCookies);
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public async Task Set_OtherKey_KeepsTheLoneSurrogatesByteForByte(string json)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Set("count", session.Get<int>("count") + 1);
            await context.Response.WriteAsync("ok");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(json));

        // What Node writes after count++.
        var expected = json.Replace("\"count\":1", "\"count\":2", StringComparison.Ordinal);
        Assert.Equal(expected, TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Fact]
    public async Task Set_DotNetStringWithLoneSurrogate_WrittenAsJavaScriptAndReadBack()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            var emoji = "😀";
            if (context.Request.Query.ContainsKey("write"))
            {
                session.Set("cut", emoji[..1]);
                session.Set(emoji[1..], "low key");
                await context.Response.WriteAsync("written");
                return;
            }

            await context.Response.WriteAsync($"{Show(session.Get<string>("cut"))}|{session.Get<string>(emoji[1..])}|{string.Join(",", session.Keys.Select(Show))}");
        });

        var first = await host.SendAsync("/?write=1");
        var second = await host.SendAsync(cookie: first.CookieToSend());

        Assert.Equal("""{"cut":"\ud83d","\ude00":"low key"}""", TestSigning.JsonOf(first.SessionCookie()!.Value.Value!));
        Assert.Equal("\\ud83d|low key|cut,\\ude00", second.Body);
        Assert.Empty(second.SetCookies);
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public async Task GetNode_NestedLoneSurrogates_AreKept(string json)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var nested = context.GetCookieSession().Get<JsonNode>("nested")!;
            var array = nested.AsObject().Single().Value!.AsArray();
            await context.Response.WriteAsync($"{Show(array[0]!.GetValue<string>())}|{Show(array[1]!["b"]!.GetValue<string>())}");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(json));

        Assert.Equal("x\\udc00|\\udfff", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Set_DotNetNestedLoneSurrogates_WrittenAsJavaScriptAndReadBack()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            if (context.Request.Query.ContainsKey("write"))
            {
                var emoji = "😀";
                session.Set("cut", emoji[..1]);
                session.Set(emoji[1..], "low key");
                session.Set("nested", new JsonObject { ["a"] = new JsonArray("x" + emoji[1], emoji[..1] + "y") });
                await context.Response.WriteAsync("written");
                return;
            }

            var nested = session.Get<JsonNode>("nested")!["a"]!.AsArray();
            await context.Response.WriteAsync(string.Join("|",
                Show(session.Get<string>("cut")),
                session.Get<string>("\ude00"),
                Show(nested[0]!.GetValue<string>()),
                Show(nested[1]!.GetValue<string>())));
        });

        var first = await host.SendAsync("/?write=1");
        var second = await host.SendAsync(cookie: first.CookieToSend());

        Assert.Equal("""{"cut":"\ud83d","\ude00":"low key","nested":{"a":["x\ude00","\ud83dy"]}}""", TestSigning.JsonOf(first.SessionCookie()!.Value.Value!));
        Assert.Equal("\\ud83d|low key|x\\ude00|\\ud83dy", second.Body);
        Assert.Empty(second.SetCookies);
    }

    private sealed record Profile(string Name, string[] Tags, Dictionary<string, string> Notes);

    [Theory]
    [MemberData(nameof(Sessions))]
    public async Task GetTyped_NodeWroteLoneSurrogates_DeserializedAsJavaScriptHasThem(string json)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            var profile = session.Get<Profile>("profile")!;
            var tags = session.Get<List<string>>("tags")!;
            await context.Response.WriteAsync(string.Join("|",
                Show(profile.Name),
                string.Join(",", profile.Tags.Select(Show)),
                string.Join(",", profile.Notes.Select(n => Show(n.Key) + "=" + Show(n.Value))),
                string.Join(",", tags.Select(Show))));
        });

        var withProfile = json.Replace("\"count\":1", """
            "count":1,"profile":{"name":"a\ud83d","tags":["\udc00","ok"],"notes":{"k":"x\udfff"}},"tags":["\ud83d"]
            """.Trim(), StringComparison.Ordinal);
        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(withProfile));

        Assert.Equal(HttpStatusCode.OK, transaction.Status);
        Assert.Equal("a\\ud83d|\\udc00,ok|k=x\\udfff|\\ud83d", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task SetTyped_DotNetValueWithLoneSurrogates_WrittenAsJavaScriptAndReadBack()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            if (context.Request.Query.ContainsKey("write"))
            {
                session.Set("profile", new Profile("a\ud83d", ["\udc00", "ok"], new() { ["k"] = "x\udfff" }));
                session.Set("tags", new[] { "\ud83d" });
                await context.Response.WriteAsync(Show(session.Get<Profile>("profile")!.Name));
                return;
            }

            var profile = session.Get<Profile>("profile")!;
            await context.Response.WriteAsync($"{Show(profile.Name)}|{Show(profile.Tags[0])}|{Show(profile.Notes["k"])}|{Show(session.Get<string[]>("tags")![0])}");
        });

        var first = await host.SendAsync("/?write=1");
        var second = await host.SendAsync(cookie: first.CookieToSend());

        Assert.Equal("a\\ud83d", first.Body);
        Assert.Equal("""{"profile":{"name":"a\ud83d","tags":["\udc00","ok"],"notes":{"k":"x\udfff"}},"tags":["\ud83d"]}""", TestSigning.JsonOf(first.SessionCookie()!.Value.Value!));
        Assert.Equal("a\\ud83d|\\udc00|x\\udfff|\\ud83d", second.Body);
        Assert.Empty(second.SetCookies);
    }

    [Theory]
    [MemberData(nameof(SessionsAndKeys))]
    public async Task AspNetSession_LoneSurrogate_ReadsAsUtf8WithReplacementCharacter(string json, string keys)
    {
        // ISession holds bytes; a lone surrogate has no UTF-8, and Node's Buffer.from writes U+FFFD for it too.
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.Session;
            await context.Response.WriteAsync($"{Show(session.GetString("v"))}|{string.Join(",", session.Keys.Select(Show))}|{session.GetString("count")}");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(json));

        Assert.Equal(HttpStatusCode.OK, transaction.Status);
        Assert.Equal($"\uFFFD|{keys}|1", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    /// <summary>The string with every surrogate code unit written as <c>\uxxxx</c>: a response body cannot carry a lone one.</summary>
    private static string Show(string? value)
        => value is null ? "null" : string.Concat(value.Select(c => char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
