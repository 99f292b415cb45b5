using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Formats;

/// <summary>
/// Regression found in review: a renewed cookie is written with the JSON it came with, and the cache stored every value
/// this process wrote as read without the tree. A JSON that only the tree reads as <c>JSON.parse</c> does (a repeated
/// key, an integer-like key after others: written by no Node peer, but accepted) then read one way on the request that
/// verified it and another way on every request that sent it again.
/// </summary>
public sealed class CachedRenewalRegressionTests
{
    public static TheoryData<string, string> OnlyATreeReads => new()
    {
        // JSON.parse: the last value of a repeated key, in the place of the first.
        { """{"a":1,"a":2}""", "a=2" },

        // JSON.parse: integer-like keys first, ascending.
        { """{"b":1,"1":2}""", "1=2,b=1" },
    };

    [Theory]
    [MemberData(nameof(OnlyATreeReads))]
    public async Task Rolling_SameCookieSentAgain_ReadsAsJsonParseDoes(string json, string expected)
    {
        await using var host = await SessionTestHost.StartAsync(Describe, o => o.Rolling = true);
        var cookie = TestSigning.SessionCookie(json);

        var first = await host.SendAsync(cookie: cookie);
        var second = await host.SendAsync(cookie: cookie);

        Assert.Equal(expected, first.Body);
        Assert.Equal(expected, second.Body);
    }

    [Theory]
    [MemberData(nameof(OnlyATreeReads))]
    public async Task OlderSecret_ResignedCookieSentBack_ReadsAsJsonParseDoes(string json, string expected)
    {
        await using var host = await SessionTestHost.StartAsync(Describe, o => o.Secrets = ["the new secret", SessionTestHost.Secret], services: null, withDefaultSecret: false);
        var jar = new CookieJar();
        jar.Set(CookieSessionDefaults.CookieName, TestSigning.SessionCookie(json).Split('=', 2)[1]);

        var first = await jar.SendAsync(host);
        var second = await jar.SendAsync(host);

        Assert.NotNull(first.SessionCookie());
        Assert.Equal(expected, first.Body);
        Assert.Equal(expected, second.Body);
    }

    private static Task Describe(HttpContext context)
    {
        var session = context.GetCookieSession();
        return context.Response.WriteAsync(string.Join(",", session.Keys.Select(k => k + "=" + session.Get<JsonNode>(k)?.ToJsonString())));
    }
}
