using System.Globalization;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CookieSession.Tests.Session;

/// <summary>
/// <c>HttpContext.Session</c> keeps the promises ASP.NET Core's own session makes, except where a store that lives in
/// the cookie must differ: it has no identity on the server, and a cookie sent again is the session it carries.
/// </summary>
public sealed class AspNetSessionContractTests
{
    /// <summary>Reads "Key" as an int, acts on the path (/set, /remove, /clear), and answers what it read.</summary>
    private static readonly RequestDelegate s_keyByPath = async context =>
    {
        var session = context.Session;
        var value = session.GetInt32("Key");
        switch (context.Request.Path.Value)
        {
            case "/set": session.SetInt32("Key", 1); break;
            case "/remove": session.Remove("Key"); break;
            case "/clear": session.Clear(); break;
        }

        await context.Response.WriteAsync(value?.ToString(CultureInfo.InvariantCulture) ?? "none");
    };

    /// <summary>Answers "count" (0 when absent) and stores it plus one.</summary>
    private static readonly RequestDelegate s_counter = async context =>
    {
        var count = context.Session.GetInt32("count") ?? 0;
        context.Session.SetInt32("count", count + 1);
        await context.Response.WriteAsync(count.ToString(CultureInfo.InvariantCulture));
    };

    [Fact]
    public async Task GetString_OnAnEmptySession_SetsNoCookie()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
            context.Response.WriteAsync(context.Session.GetString("NotFound") ?? "none"));

        var transaction = await host.SendAsync();

        Assert.Equal("none", transaction.Body);
        Assert.Empty(transaction.SetCookieHeaders);
    }

    [Fact]
    public async Task SetInt32_EachRequest_TheNextRequestReadsIt()
    {
        await using var host = await SessionTestHost.StartAsync(s_counter);
        var jar = new CookieJar();

        var bodies = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            bodies.Add((await jar.SendAsync(host)).Body);
        }

        Assert.Equal(["0", "1", "2", "3"], bodies);
    }

    [Theory]
    [InlineData("/remove")]
    [InlineData("/clear")]
    public async Task RemoveOrClear_TheItemIsGoneOnTheNextRequest(string path)
    {
        await using var host = await SessionTestHost.StartAsync(s_keyByPath);
        var jar = new CookieJar();

        var set = await jar.SendAsync(host, "/set");
        var removed = await jar.SendAsync(host, path);
        var after = await jar.SendAsync(host, "/");

        Assert.Equal("none", set.Body);
        Assert.Equal("1", removed.Body);
        Assert.Equal("none", after.Body);
    }

    [Fact]
    public async Task Keys_DifferingOnlyInCase_AreTwoValues()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            if (context.Request.Path == "/set")
            {
                context.Session.SetString("KEY", "VALUE");
                context.Session.SetString("key", "value");
            }

            await context.Response.WriteAsync($"{context.Session.GetString("KEY")} {context.Session.GetString("key")} {context.Session.Keys.Count()}");
        });
        var jar = new CookieJar();

        var set = await jar.SendAsync(host, "/set");
        var next = await jar.SendAsync(host, "/");

        Assert.Equal("VALUE value 2", set.Body);
        Assert.Equal("VALUE value 2", next.Body);
    }

    [Fact]
    public async Task Set_ThenTryGetValue_InTheSameRequest_ReadsTheBytesAndSetsOneCookie()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var before = context.Session.TryGetValue("data", out _);
            context.Session.Set("data", [0xFF, 0x00, 0x7F]);
            var after = context.Session.TryGetValue("data", out var read);
            await context.Response.WriteAsync($"{before} {after} {Convert.ToHexString(read!)}");
        });

        var transaction = await host.SendAsync();

        Assert.Equal("False True FF007F", transaction.Body);
        Assert.Single(transaction.SetCookieHeaders);
    }

    [Theory]
    // Four bytes that are not UTF-8 are kept as base64 under "$binary"...
    [InlineData(-1, """{"n":{"$binary":"/////w=="}}""")]
    [InlineData(int.MinValue, """{"n":{"$binary":"gAAAAA=="}}""")]
    // ...and four that are UTF-8 as the string they spell, which Node reads as a string.
    [InlineData(0x41424344, """{"n":"ABCD"}""")]
    [InlineData(1, """{"n":"\u0000\u0000\u0000\u0001"}""")]
    public async Task SetInt32_StoresFourBytes_ThatReadBackAsTheSameInt(int value, string json)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            if (context.Request.Path == "/set")
            {
                context.Session.SetInt32("n", value);
            }

            var length = context.Session.TryGetValue("n", out var bytes) ? bytes.Length : -1;
            await context.Response.WriteAsync($"{context.Session.GetInt32("n")} {length}");
        });

        var set = await host.SendAsync("/set");
        var next = await host.SendAsync("/", set.CookieToSend());

        Assert.Equal(json, TestSigning.JsonOf(set.SessionCookie()!.Value.ToString()));
        Assert.Equal($"{value} 4", next.Body);
    }

    [Theory]
    [InlineData("/admin/users", true)]
    [InlineData("/admin", true)]
    [InlineData("/public", false)]
    public async Task IsAvailable_OnTheCookiesPathOnly(string path, bool available)
    {
        await using var host = await SessionTestHost.StartAsync(
            context => context.Response.WriteAsync(context.Session.IsAvailable.ToString()),
            o => o.Cookie.Path = "/admin");

        var transaction = await host.SendAsync(path);

        Assert.Equal(available.ToString(), transaction.Body);
    }

    [Fact]
    public async Task CommitAsync_InTheMiddleOfARequest_IsHarmless()
    {
        // The cookie is written as the response starts; committing earlier saves nothing early and cancels nothing.
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.Session.SetString("first", "1");
            await context.Session.CommitAsync();
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            await context.Session.CommitAsync(cancelled.Token);
            context.Session.SetString("second", "2");
            await context.Response.WriteAsync("ok");
        });

        var transaction = await host.SendAsync();

        Assert.Equal("ok", transaction.Body);
        Assert.Equal("""{"first":"1","second":"2"}""", TestSigning.JsonOf(Assert.Single(transaction.SetCookies).Value.ToString()));
    }

    [Theory]
    [InlineData("HttpContext.Abort")]
    [InlineData("client cancelled")]
    public async Task RequestAborted_IsNotAnError_NothingLoggedAtWarningOrAbove(string how)
    {
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                context.Session.SetInt32("key", 0);
                if (how == "HttpContext.Abort")
                {
                    context.Abort();
                    return;
                }

                using var cancelled = new CancellationTokenSource();
                await cancelled.CancelAsync();
                context.RequestAborted = cancelled.Token;
            },
            o => o.Secret = "a secret long enough not to be warned about");

        // An aborted request fails on the client's side; what matters is the server's log.
        _ = await Record.ExceptionAsync(() => host.SendAsync());

        Assert.DoesNotContain(
            host.Logs.GetSnapshot(),
            r => r.Level >= LogLevel.Warning && r.Category?.StartsWith("CookieSession", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Id_IsEmpty_TheSessionHasNoIdentityOnTheServer()
    {
        // ASP.NET's session is a key into a server-side store; this one is the cookie itself.
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            context.Session.SetString("user", "ana");
            await context.Response.WriteAsync($"[{context.Session.Id}]");
        });

        var set = await host.SendAsync();
        var next = await host.SendAsync(cookie: set.CookieToSend());

        Assert.Equal("[]", set.Body);
        Assert.Equal("[]", next.Body);
    }

    [Fact]
    public async Task ReplayedOldCookie_GetsTheOldData()
    {
        // A server-side store gives every copy of its cookie the latest data; a cookie store gives what it carries.
        await using var host = await SessionTestHost.StartAsync(s_counter);
        var first = await host.SendAsync();
        var old = first.CookieToSend();
        var second = await host.SendAsync(cookie: old);

        var replayed = await host.SendAsync(cookie: old);

        Assert.Equal("1", second.Body);
        Assert.Equal("1", replayed.Body);
    }
}
