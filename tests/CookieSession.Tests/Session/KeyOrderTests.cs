using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Session;

/// <summary>
/// Changes to a loaded session end in the key order JavaScript gives the same operations, so that Node
/// and .NET write the same bytes. Expected values are what Node 20 printed for
/// JSON.stringify of the object after the same assignments and deletes.
/// </summary>
public sealed class KeyOrderTests
{
    public static TheoryData<string, string, string> Cases() => new()
    {
        { """{"a":1,"b":2,"c":3}""", "set b 20", """{"a":1,"b":20,"c":3}""" },
        { """{"a":1,"b":2,"c":3}""", "del a; set a 10", """{"b":2,"c":3,"a":10}""" },
        { """{"a":1}""", "set x 1; set y 2; del x; set x 3", """{"a":1,"y":2,"x":3}""" },
        { """{"a":1,"5":5}""", "set 3 3; set z 0", """{"3":3,"5":5,"a":1,"z":0}""" },
        { """{"2":2,"9":9,"a":1}""", "del 2; set b 1; set 2 22", """{"2":22,"9":9,"a":1,"b":1}""" },
        { """{"a":1,"b":2}""", "del a; del b; set c 3", """{"c":3}""" },
        { """{"a":{"n":1},"b":[1]}""", "del zzz; set a {\"n\":2}", """{"a":{"n":2},"b":[1]}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Changes_ToLoadedSession_EndInJavaScriptsOrder(string loaded, string operations, string expected)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            Apply(context.GetCookieSession(), operations);
            await context.Response.WriteAsync("ok");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(loaded));

        Assert.Equal(expected, TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Changes_ThenLiveNode_TreeKeepsTheSameOrder(string loaded, string operations, string expected)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            Apply(session, operations);
            _ = session["anything"]; // builds the tree from the cookie and the changes so far
            await context.Response.WriteAsync(string.Join(",", session.Keys) + "|" + session.IsPopulated);
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(loaded));

        Assert.Equal(expected, TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
        var expectedKeys = string.Join(",", JsonNode.Parse(expected)!.AsObject().Select(p => p.Key));
        Assert.Equal(expectedKeys + "|True", transaction.Body);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Changes_KeysAndReads_SeeTheChanges(string loaded, string operations, string expected)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            Apply(session, operations);
            var values = session.Keys.Select(k => k + "=" + session.Get<JsonNode>(k)!.ToJsonString());
            await context.Response.WriteAsync(string.Join(",", values));
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(loaded));

        var expectedValues = JsonNode.Parse(expected)!.AsObject().Select(p => p.Key + "=" + p.Value!.ToJsonString());
        Assert.Equal(string.Join(",", expectedValues), transaction.Body);
    }

    [Fact]
    public async Task SetThenRemove_OfNewKey_LeavesSessionUnchanged()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            session.Set("temp", 1);
            var removed = session.Remove("temp");
            var again = session.Remove("temp");
            await context.Response.WriteAsync($"{removed},{again},{session.IsChanged}");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"a":1}"""));

        Assert.Equal("True,False,False", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Remove_AbsentKey_ReturnsFalseAndChangesNothing()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            await context.Response.WriteAsync($"{session.Remove("nope")},{session.IsChanged}");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"a":1}"""));

        Assert.Equal("False,False", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task SameNodeStoredTwice_BothWritten()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            var shared = new JsonObject { ["n"] = 1 };
            session["x"] = shared;
            session["y"] = shared;
            _ = session["x"];
            await context.Response.WriteAsync("ok");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"a":1}"""));

        Assert.Equal("""{"a":1,"x":{"n":1},"y":{"n":1}}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    private static void Apply(ICookieSession session, string operations)
    {
        foreach (var operation in operations.Split("; "))
        {
            var parts = operation.Split(' ', 3);
            if (parts[0] == "del")
            {
                session.Remove(parts[1]);
            }
            else
            {
                session[parts[1]] = JsonNode.Parse(parts[2]);
            }
        }
    }

    [Fact]
    public async Task Keys_IntegerLikeKeyAfterAnother_SameOrderBeforeAndAfterTheTreeIsBuilt()
    {
        // Keys come in JavaScript's order ("3" before "b") whether the session is read in place or as a tree.
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
}
