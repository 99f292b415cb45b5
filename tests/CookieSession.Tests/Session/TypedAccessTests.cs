using System.Text.Json;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Session;

/// <summary>Get throws on a value of another JSON type (documented); TryGet never does.</summary>
public sealed class TypedAccessTests
{
    // What Node stored: a number where .NET code may expect a string, and a null.
    private const string NodeSession = "{\"count\":1,\"name\":\"ana\",\"none\":null,\"list\":[1,2]}";

    public static TheoryData<string> Paths() => new() { "raw", "changed", "tree" };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task TryGet_MismatchAbsentAndNull_NeverThrows(string path)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            if (path == "changed")
            {
                // The values now come from changes kept beside the cookie's JSON.
                session.Set("count", 1);
                session.Set("none", (string?)null);
            }
            else if (path == "tree")
            {
                // Handing out a live node turns the session into a tree.
                _ = session["list"];
            }

            var results = new[]
            {
                session.TryGet("count", out string? asText) + ":" + asText,
                session.TryGet("count", out int asNumber) + ":" + asNumber,
                session.TryGet("name", out int nameAsNumber) + ":" + nameAsNumber,
                session.TryGet("list", out string? listAsText) + ":" + listAsText,
                session.TryGet("missing", out string? missing) + ":" + missing,
                session.TryGet("none", out string? noneAsText) + ":" + (noneAsText ?? "null"),
                session.TryGet("none", out int noneAsNumber) + ":" + noneAsNumber,
                session.TryGet("list", out int[]? list) + ":" + string.Join(",", list ?? []),
            };
            await context.Response.WriteAsync(string.Join(" ", results));
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(NodeSession));

        Assert.Equal("False: True:1 False:0 False: False: True:null False:0 True:1,2", transaction.Body);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Get_ValueOfAnotherJsonType_ThrowsJsonException(string path)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            if (path == "changed")
            {
                session.Set("count", 1);
            }
            else if (path == "tree")
            {
                _ = session["list"];
            }

            var error = Record.Exception(() => session.Get<string>("count"));
            await context.Response.WriteAsync(error?.GetType().Name ?? "none");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(NodeSession));

        Assert.Equal(nameof(JsonException), transaction.Body);
    }
}
