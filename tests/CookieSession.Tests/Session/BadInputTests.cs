using System.Net;
using System.Text;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Session;

/// <summary>
/// Whatever the cookie holds, the request succeeds with an empty session, the reason is logged, and the
/// value never reaches the log or the session.
/// </summary>
public sealed class BadInputTests
{
    private static readonly RequestDelegate s_report = async context =>
    {
        var session = context.GetCookieSession();
        await context.Response.WriteAsync($"new={session.IsNew} keys={string.Join(",", session.Keys)}");
    };

    public static TheoryData<string, string, string> RejectedCookies()
    {
        var secret = SessionTestHost.Secret;
        var deep = new string('[', 100) + new string(']', 100);
        return new TheoryData<string, string, string>
        {
            { "missing s: prefix", Uri.EscapeDataString("j:{\"admin\":true}"), "Unsigned" },
            { "missing s: prefix, with a signature", Uri.EscapeDataString("j:{\"admin\":true}." + TestSigning.Mac("j:{\"admin\":true}", secret)), "Unsigned" },
            { "no dot", Uri.EscapeDataString("s:j:{\"admin\":true}"), "Unsigned" },
            { "several dots", Uri.EscapeDataString("s:j:{\"a\":\"x.y\"}.abc.def"), "BadSignature" },
            { "empty signature", Uri.EscapeDataString("s:j:{\"admin\":true}."), "BadSignature" },
            { "invalid base64", Uri.EscapeDataString("s:j:{\"admin\":true}." + new string('!', 43)), "BadSignature" },
            { "signature of another value", Uri.EscapeDataString("s:j:{\"admin\":true}." + TestSigning.Mac("j:{\"admin\":false}", secret)), "BadSignature" },
            { "signed with a secret not configured", TestSigning.SignedCookieValue("j:{\"admin\":true}", "retired secret"), "BadSignature" },
            { "signed, not JSON", TestSigning.SignedCookieValue("j:not json"), "NotJsonObject" },
            { "signed, no j: prefix", TestSigning.SignedCookieValue("hello"), "NotJsonObject" },
            { "signed JSON number", TestSigning.SignedCookieValue("j:5"), "NotJsonObject" },
            { "signed JSON null", TestSigning.SignedCookieValue("j:null"), "NotJsonObject" },
            { "signed JSON array", TestSigning.SignedCookieValue("j:[]"), "NotJsonObject" },
            { "signed JSON string", TestSigning.SignedCookieValue("j:\"x\""), "NotJsonObject" },
            { "signed JSON nested 100 deep", TestSigning.SignedCookieValue("j:{\"a\":" + deep + "}"), "NotJsonObject" },
            { "signed JSON with trailing content", TestSigning.SignedCookieValue("j:{\"a\":1} {}"), "NotJsonObject" },
            { "signed JSON object not closed", TestSigning.SignedCookieValue("j:{\"a\":1"), "NotJsonObject" },
            { "malformed % escape", "s%3Aj%3A%7B%ZZ%7D.abc", "MalformedEncoding" },
            { "truncated % escape", "s%3Aj%3A%7B%7D.abc%2", "MalformedEncoding" },
            { "invalid UTF-8", "s%3Aj%3A%7B%22a%22%3A%22%C3%28%22%7D." + TestSigning.Mac("j:{\"a\":\"x\"}", secret), "MalformedEncoding" },
            { "overlong UTF-8", "s%3Aj%3A%7B%22a%22%3A%22%C0%AF%22%7D.x", "MalformedEncoding" },
            { "64 KiB value", new string('a', 64 * 1024), "TooLarge" },
            { "JSON nested 10,000 deep", TestSigning.SignedCookieValue("j:" + new string('[', 10_000) + new string(']', 10_000)), "TooLarge" },
        };
    }

    [Theory]
    [MemberData(nameof(RejectedCookies))]
    public async Task Read_BadCookie_EmptySessionAndReasonLogged(string description, string value, string reason)
    {
        await using var host = await SessionTestHost.StartAsync(s_report);

        var transaction = await host.SendAsync(cookie: "connect.sess=" + value);

        Assert.Equal(HttpStatusCode.OK, transaction.Status);
        Assert.Equal("new=True keys=", transaction.Body);
        Assert.Empty(transaction.SetCookies);
        var record = Assert.Single(host.LogsOf("CookieRejected"));
        Assert.Contains($"({reason})", record.Message, StringComparison.Ordinal);
        AssertLogsDoNotContain(host, value, description);
    }

    [Fact]
    public async Task Read_BadCookieThenWrite_ReplacesItWithAFreshSignedCookie()
    {
        await using var host = await SessionTestHost.StartAsync(Handlers.Store("fresh", true));

        var transaction = await host.SendAsync(cookie: "connect.sess=" + Uri.EscapeDataString("j:{\"admin\":true}"));

        Assert.Equal("{\"fresh\":true}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Fact]
    public async Task Read_SessionCookieTwice_FirstWinsAsInNode()
    {
        var valid = TestSigning.SignedCookieValue("j:{\"n\":1}");
        await using var host = await SessionTestHost.StartAsync(s_report);

        var validFirst = await host.SendAsync(cookie: $"connect.sess={valid}; connect.sess=garbage");
        var garbageFirst = await host.SendAsync(cookie: $"connect.sess=garbage; connect.sess={valid}");

        Assert.Equal("new=False keys=n", validFirst.Body);
        Assert.Equal("new=True keys=", garbageFirst.Body);
    }

    [Fact]
    public async Task Read_HugeCookieHeaderWithOtherCookies_StillFindsTheSession()
    {
        var others = string.Join("; ", Enumerable.Range(0, 1000).Select(i => $"other{i}={new string('x', 60)}"));
        Assert.True(Encoding.ASCII.GetByteCount(others) > 64 * 1024);
        await using var host = await SessionTestHost.StartAsync(s_report);

        var transaction = await host.SendAsync(cookie: others + "; connect.sess=" + TestSigning.SignedCookieValue("j:{\"n\":1}"));

        Assert.Equal("new=False keys=n", transaction.Body);
    }

    [Theory]
    [InlineData("connect.sess")]
    [InlineData("connect.sess=")]
    [InlineData(";;;=;connect.sess")]
    [InlineData("=\"; connect.sess=\"")]
    [InlineData("connect.sess=\"")]
    public async Task Read_DegenerateCookieHeader_IsAnEmptySession(string header)
    {
        await using var host = await SessionTestHost.StartAsync(s_report);
        var transaction = await host.SendAsync(cookie: header);
        Assert.Equal(HttpStatusCode.OK, transaction.Status);
        Assert.Equal("new=True keys=", transaction.Body);
    }

    [Fact]
    public async Task Read_SignedJsonWithRepeatedKeys_ReadAsJavaScriptDoes()
    {
        // Neither Node nor this library writes a key twice, but JSON.parse accepts it: last value, first place.
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            var text = $"{session.Get<int>("a")} {session["n"]!["b"]} {string.Join(",", session.Keys)}";
            if (context.Request.Query.ContainsKey("change"))
            {
                session.Set("x", 1);
            }

            await context.Response.WriteAsync(text);
        });
        var cookie = TestSigning.SessionCookie("""{"a":1,"n":{"b":1,"b":2},"a":3}""");

        var read = await host.SendAsync(cookie: cookie);
        var changed = await host.SendAsync("/?change=1", cookie);

        Assert.Equal("3 2 a,n", read.Body);
        Assert.Equal("""{"a":3,"n":{"b":2},"x":1}""", TestSigning.JsonOf(changed.SessionCookie()!.Value.Value!));
    }

    [Fact]
    public async Task Read_SignedJsonWithRepeatedNestedKey_TypedReadTakesTheLast()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
            await context.Response.WriteAsync(context.GetCookieSession().Get<Dictionary<string, int>>("n")!["b"].ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"n":{"b":1,"b":2}}"""));

        Assert.Equal("2", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Read_UnsignedSessionWithData_NeverReachesTheApplication()
    {
        // connect@2.3.1 to 2.30.2 loaded "j:{...}" without a signature: the attacker chose the session.
        await using var host = await SessionTestHost.StartAsync(async context =>
            await context.Response.WriteAsync(context.GetCookieSession().Get<bool>("admin") ? "admin" : "user"));

        var transaction = await host.SendAsync(cookie: "connect.sess=" + Uri.EscapeDataString("j:{\"admin\":true}"));

        Assert.Equal("user", transaction.Body);
    }

    private static void AssertLogsDoNotContain(SessionTestHost host, string value, string description)
    {
        var decoded = Uri.UnescapeDataString(value);
        foreach (var record in host.Logs.GetSnapshot())
        {
            Assert.False(record.Message.Contains(value, StringComparison.Ordinal), $"log carries the cookie value ({description})");
            if (decoded.Length > 8)
            {
                Assert.False(record.Message.Contains(decoded, StringComparison.Ordinal), $"log carries the decoded value ({description})");
            }
        }
    }
}
