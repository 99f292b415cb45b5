using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Formats.Connect;

/// <summary>The bytes on the wire, against vectors from the specification, openssl and connect@2.11.0 itself.</summary>
public sealed class WireFormatTests
{
    // Written by connect@2.11.0 on Node 20 (secret "some secret") for a session holding a string with
    // quotes, a backslash, U+2028 and an emoji, an array of numbers, nested objects and an integer-like key.
    private const string ConnectWritten =
        "s%3Aj%3A%7B%227%22%3A%22seven%22%2C%22name%22%3A%22zo%C3%AB%20%5C%22q%5C%22%20%5C%5C%20%3C%E2%80%A8%3E%20%F0%9F%98%80%22%2C%22n%22%3A%5B0%2C-1%2C9007199254740992%2C1.5%2C1e%2B21%2C1e-7%5D%2C%22nested%22%3A%7B%22a%22%3A%7B%22b%22%3A%5Btrue%2Cfalse%2Cnull%5D%7D%7D%7D.9Ki%2FVzA34J5floolL7qKD93tIuDd4hKcusNpx9jh1yU";

    [Fact]
    public async Task Write_KnownVector_MatchesSpecificationByteForByte()
    {
        await using var host = await SessionTestHost.StartAsync(
            Handlers.Store("count", 1),
            o => o.Secret = "keyboard cat");

        var transaction = await host.SendAsync();

        Assert.Equal(
            "connect.sess=s%3Aj%3A%7B%22count%22%3A1%7D.QaA3VUxvg7b11JSJ7deLwQD3x13u%2FuoLbfoW%2BSKX8OM",
            transaction.SetCookieHeaders.Single().Split(';')[0]);
    }

    [Fact]
    public async Task Read_OpensslVector_LoadsSession()
    {
        // printf '%s' 'j:{"user":"ana","roles":["a","b"]}' | openssl dgst -sha256 -hmac 'some secret' -binary | base64
        var cookie = "connect.sess=" + Uri.EscapeDataString("s:j:{\"user\":\"ana\",\"roles\":[\"a\",\"b\"]}.mQ5SxUXDi8e0TEsVVjvuI5N+fcrQKSKF7GZtZpFkgcM");
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            await context.Response.WriteAsync($"{session.Get<string>("user")} {string.Join(",", session.Get<string[]>("roles")!)}");
        });

        var transaction = await host.SendAsync(cookie: cookie);

        Assert.Equal("ana a,b", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Read_CookieWrittenByConnect_LoadsEveryValue()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            await context.Response.WriteAsync(string.Join("|",
                session.Get<string>("7"),
                session.Get<string>("name"),
                string.Join(",", session.Get<double[]>("n")!),
                session["nested"]!["a"]!["b"]!.ToJsonString()));
        });

        var transaction = await host.SendAsync(cookie: "connect.sess=" + ConnectWritten);

        Assert.Equal("seven|zoë \"q\" \\ <\u2028> 😀|0,-1,9007199254740992,1.5,1E+21,1E-07|[true,false,null]", transaction.Body);
    }

    [Fact]
    public async Task Write_UnchangedSessionWrittenByConnect_IsNotResent()
    {
        // Re-serializing Node's session must give Node's bytes, or every request would rewrite the cookie.
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            _ = session["nested"]!["a"]; // hands out a live node: the session must be re-serialized to compare
            await context.Response.WriteAsync(session.Get<string>("7")!);
        });

        var transaction = await host.SendAsync(cookie: "connect.sess=" + ConnectWritten);

        Assert.Equal("seven", transaction.Body);
        Assert.Empty(transaction.SetCookies);
        Assert.Single(host.LogsOf("UnmodifiedSession"));
    }

    [Fact]
    public async Task Write_SameSessionBuiltInDotNet_IsByteIdenticalToConnect()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Set("name", "zoë \"q\" \\ <\u2028> 😀");
            session["n"] = new JsonArray(0, -1, 9007199254740992L, 1.5, 1e21, 1e-7);
            session["nested"] = new JsonObject { ["a"] = new JsonObject { ["b"] = new JsonArray(true, false, null) } };
            session.Set("7", "seven"); // added last, written first, as JavaScript orders integer-like keys
            await context.Response.WriteAsync("ok");
        });

        var transaction = await host.SendAsync();

        Assert.Equal("connect.sess=" + ConnectWritten, transaction.SetCookieHeaders.Single().Split(';')[0]);
    }

    [Theory]
    [InlineData("\"quoted\"")]
    [InlineData("  spaced  ")]
    public async Task Read_QuotedOrPaddedValue_IsUnwrappedAsNodeDoes(string shape)
    {
        var value = TestSigning.SignedCookieValue("j:{\"a\":1}");
        var cookie = "connect.sess=" + shape.Replace("quoted", value, StringComparison.Ordinal).Replace("spaced", value, StringComparison.Ordinal);
        await using var host = await SessionTestHost.StartAsync(async context =>
            await context.Response.WriteAsync(context.GetCookieSession().Get<int>("a").ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var transaction = await host.SendAsync(cookie: cookie);

        Assert.Equal("1", transaction.Body);
    }

    [Fact]
    public async Task Read_ValueEscapedByEscapeDataString_EqualsNodesEncodeUriComponent()
    {
        // Node does not escape ! * ' ( ); .NET does. Either encoding must verify.
        const string json = "{\"s\":\"it's (fine)! *\"}";
        var nodeStyle = "connect.sess=" + Uri.EscapeDataString("s:j:" + json + "." + TestSigning.Mac("j:" + json, SessionTestHost.Secret))
            .Replace("%27", "'", StringComparison.Ordinal).Replace("%28", "(", StringComparison.Ordinal)
            .Replace("%29", ")", StringComparison.Ordinal).Replace("%21", "!", StringComparison.Ordinal).Replace("%2A", "*", StringComparison.Ordinal);
        await using var host = await SessionTestHost.StartAsync(async context =>
            await context.Response.WriteAsync(context.GetCookieSession().Get<string>("s")!));

        var transaction = await host.SendAsync(cookie: nodeStyle);

        Assert.Contains("'", nodeStyle, StringComparison.Ordinal);
        Assert.Equal("it's (fine)! *", transaction.Body);
    }
}
