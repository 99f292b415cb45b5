using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CookieSession.Tests.Signing;

/// <summary>
/// Express's cookie-parser formats. Vectors were written by express@4 with cookie-parser("some secret"):
/// res.cookie('greeting', 'hello wörld', {signed: true}), res.cookie('prefs', {theme: 'dark', n: [1, 2.5]},
/// {signed: true}) and res.cookie('plain', {a: 1}).
/// </summary>
public sealed class SignedCookieTests
{
    private const string Greeting = "greeting=s%3Ahello%20w%C3%B6rld.PPmHZ5ZJUElBCuNmDlW1UIeFEBbeo5j3zti9MuIVtmI";
    private const string Prefs = "prefs=s%3Aj%3A%7B%22theme%22%3A%22dark%22%2C%22n%22%3A%5B1%2C2.5%5D%7D.XyjGmic%2FhdoaGYZnHJ%2Bs7zGW1al8m3toPmKNHkpMGPM";
    private const string Plain = "plain=j%3A%7B%22a%22%3A1%7D";

    [Fact]
    public async Task Read_CookiesExpressWrote_AreVerifiedAndParsed()
    {
        await using var host = await StartAsync(async context =>
        {
            var request = context.Request;
            await context.Response.WriteAsync(string.Join("|",
                request.GetSignedCookie("greeting"),
                request.GetJsonCookie("prefs")!.ToJsonString(),
                request.GetJsonCookie("plain", signed: false)!.ToJsonString(),
                request.GetJsonCookie("plain") is null,
                request.GetSignedCookie("missing") is null));
        });

        var transaction = await host.SendAsync(cookie: $"{Greeting}; {Prefs}; {Plain}");

        Assert.Equal("hello wörld|{\"theme\":\"dark\",\"n\":[1,2.5]}|{\"a\":1}|True|True", transaction.Body);
    }

    [Fact]
    public async Task Write_SameValuesAsExpress_AreByteIdentical()
    {
        await using var host = await StartAsync(async context =>
        {
            var response = context.Response;
            response.AppendSignedCookie("greeting", "hello wörld", new CookieOptions { Path = "/" });
            response.AppendJsonCookie("prefs", new JsonObject { ["theme"] = "dark", ["n"] = new JsonArray(1, 2.5) }, new CookieOptions { Path = "/" });
            response.AppendJsonCookie("plain", new JsonObject { ["a"] = 1 }, new CookieOptions { Path = "/" }, signed: false);
            await response.WriteAsync("ok");
        });

        var transaction = await host.SendAsync();

        Assert.Equal([Greeting, Prefs, Plain], transaction.SetCookieHeaders.Select(h => h.Split(';')[0]).ToArray());
    }

    [Fact]
    public async Task Read_JsonCookieWithLoneSurrogates_IsParsedAsJavaScriptDoes()
    {
        // What res.cookie('cut', {v: '\ud83d', '\ud800': ['x\udc00']}, {signed: true}) writes.
        var cookie = "cut=" + TestSigning.SignedCookieValue("j:{\"v\":\"\\ud83d\",\"\\ud800\":[\"x\\udc00\"],\"n\":1}");
        await using var host = await StartAsync(async context =>
        {
            var json = context.Request.GetJsonCookie("cut")!;
            await context.Response.WriteAsync(string.Join("|",
                json["v"]!.GetValue<string>() == "\ud83d",
                json["\ud800"]![0]!.GetValue<string>() == "x\udc00",
                json["n"]!.GetValue<int>()));
        });

        var transaction = await host.SendAsync(cookie: cookie);

        Assert.Equal("True|True|1", transaction.Body);
    }

    [Theory]
    [InlineData("greeting=hello")]
    [InlineData("greeting=s%3Ahello.badsignature")]
    [InlineData("greeting=s%3Ahello%ZZ.x")]
    public async Task Read_TamperedOrUnsigned_IsNull(string cookie)
    {
        await using var host = await StartAsync(async context =>
            await context.Response.WriteAsync(context.Request.GetSignedCookie("greeting") ?? "null"));

        var transaction = await host.SendAsync(cookie: cookie);

        Assert.Equal("null", transaction.Body);
        Assert.Single(host.LogsOf("SignedCookieRejected"));
    }

    [Fact]
    public async Task Read_SignedButNotJson_JsonCookieIsNull()
    {
        await using var host = await StartAsync(async context =>
            await context.Response.WriteAsync(context.Request.GetJsonCookie("greeting") is null ? "null" : "json"));
        Assert.Equal("null", (await host.SendAsync(cookie: Greeting)).Body);
    }

    [Fact]
    public async Task Use_WithoutAddSignedCookies_ThrowsClearError()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var error = Record.Exception(() => context.Request.GetSignedCookie("x"));
            await context.Response.WriteAsync(error!.Message);
        });

        Assert.Contains("AddSignedCookies", (await host.SendAsync()).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionWithoutOwnSecret_UsesSignedCookieSecrets()
    {
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("n", 1),
            configure: null,
            services: s => s.AddSignedCookies(o => o.Secrets = new List<string> { "parser secret", "older parser secret" }),
            withDefaultSecret: false);

        var transaction = await host.SendAsync();

        Assert.Equal("{\"n\":1}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!, "parser secret"));
    }

    [Fact]
    public async Task SessionWithOwnSecret_IgnoresSignedCookieSecrets()
    {
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("n", 1),
            configure: null,
            services: s => s.AddSignedCookies(o => o.Secret = "parser secret"));

        var transaction = await host.SendAsync();

        Assert.Equal("{\"n\":1}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!, SessionTestHost.Secret));
    }

    [Fact]
    public async Task AppendSignedCookie_JsonPrefixedValue_ThrowsAndForgesNoSession()
    {
        // With the cookie-parser secret signing the session, "j:{...}" signed would be a valid session cookie.
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                var error = Assert.Throws<ArgumentException>(() => context.Response.AppendSignedCookie("name", "j:{\"admin\":true}"));
                Assert.Equal("value", error.ParamName);
                await context.Response.WriteAsync(error.Message);
            },
            configure: null,
            services: s => s.AddSignedCookies(o => o.Secret = SessionTestHost.Secret),
            withDefaultSecret: false);

        var transaction = await host.SendAsync();

        Assert.Contains("AppendJsonCookie", transaction.Body, StringComparison.Ordinal);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task AppendSignedCookie_NameWithAttributes_ThrowsAsResponseCookiesDoes()
    {
        const string name = "sid=attacker; Max-Age=99999999; Domain=example.com; x";
        Exception? signed = null;
        Exception? plain = null;
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                signed = Record.Exception(() => context.Response.AppendSignedCookie(name, "v"));
                plain = Record.Exception(() => context.Response.Cookies.Append(name, "v"));
                await context.Response.WriteAsync("ok");
            },
            configure: null,
            services: s => s.AddSignedCookies(o => o.Secret = "a cookie parser secret of 32 bytes!"));

        var transaction = await host.SendAsync();

        Assert.IsAssignableFrom<ArgumentException>(plain);
        Assert.IsAssignableFrom<ArgumentException>(signed);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public void GetJsonCookie_RepeatedKey_LastValueWinsAsInJsonParse()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = "prefs=" + Uri.EscapeDataString("j:{\"a\":1,\"a\":2}");

        var node = context.Request.GetJsonCookie("prefs", signed: false);

        Assert.Equal("""{"a":2}""", node?.ToJsonString());
    }

    [Fact]
    public async Task Start_SessionSharesTheSignedCookieSecret_Warns()
    {
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("n", 1),
            configure: null,
            services: s => s.AddSignedCookies(o => o.Secret = SessionTestHost.Secret));
        await host.SendAsync();

        var warning = Assert.Single(host.LogsOf("SecretSharedWithSignedCookies"));
        Assert.DoesNotContain(SessionTestHost.Secret, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SessionHasItsOwnSecret_NoSharedSecretWarning()
    {
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("n", 1),
            configure: null,
            services: s => s.AddSignedCookies(o => o.Secret = "another secret for signed cookies"));
        await host.SendAsync();

        Assert.Empty(host.LogsOf("SecretSharedWithSignedCookies"));
    }

    private static Task<SessionTestHost> StartAsync(RequestDelegate handler)
        => SessionTestHost.StartAsync(handler, configure: null, services: s => s.AddSignedCookies(o => o.Secret = SessionTestHost.Secret));
}
