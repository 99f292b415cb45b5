using System.Text.Json;
using System.Text.Json.Nodes;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Session;

/// <summary>Strings, integers, numbers and booleans read and written without any JsonTypeInfo, as JSON values Node reads.</summary>
public sealed class PrimitiveAccessTests
{
    [Fact]
    public async Task Setters_WriteJsonValuesNodeReads()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            var session = context.GetCookieSession();
            session.SetString("name", "Zoë");
            session.SetInteger("count", 9_007_199_254_740_991);
            session.SetNumber("ratio", 0.5);
            session.SetBoolean("admin", false);
            session.SetString("gone", null);
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync();

        Assert.Equal("""{"name":"Zoë","count":9007199254740991,"ratio":0.5,"admin":false,"gone":null}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task Getters_ReadWhatNodeWrote_NullWhenAbsentOrNull()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var s = context.GetCookieSession();
            await context.Response.WriteAsync(string.Join("|", s.GetString("name"), s.GetInteger("count"), s.GetNumber("ratio"), s.GetBoolean("admin"),
                s.GetString("missing") is null, s.GetInteger("nothing") is null, s.GetBoolean("missing") is null));
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"name":"Ana","count":3,"ratio":1.25,"admin":true,"nothing":null}"""));

        Assert.Equal("Ana|3|1.25|True|True|True|True", transaction.Body);
    }

    [Fact]
    public async Task IntegersSet_ReadBackAsEveryNumericType_AndWrittenInTheirPlace()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var s = context.GetCookieSession();
            s.Set("count", s.Get<int>("count") + 1);
            s.SetInteger("big", 5_000_000_000);
            s.Set("small", 7L);
            s.Set("gone", 1);
            s.Remove("gone");
            await context.Response.WriteAsync(string.Join("|",
                s.Get<int>("count"), s.Get<long>("count"), s.Get<double>("count"), s.GetInteger("count"), s.Get<JsonNode>("count")!.GetValue<int>(),
                s.GetInteger("big"), s.TryGet<int>("big", out _), s.Get<JsonNode>("big")!.GetValue<long>(), s.Get<int>("small"),
                s.TryGet<int>("gone", out _), s.TryGet<string>("count", out _)));
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"count":41,"name":"Ana"}"""));

        Assert.Equal("42|42|42|42|42|5000000000|False|5000000000|7|False|False", transaction.Body);
        Assert.Equal("""{"count":42,"name":"Ana","big":5000000000,"small":7}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task IntegerSet_ThenALiveNodeTaken_KeepsItsValueAndPlace()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var s = context.GetCookieSession();
            s.Set("count", 42);
            s.Set("added", 3);
            var list = s["list"]!.AsObject();
            list["b"] = 2;
            await context.Response.WriteAsync(list.ToJsonString() + "|" + s.Get<int>("count") + "|" + s["added"]!.GetValue<int>());
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"count":41,"list":{"a":1}}"""));

        Assert.Equal("""{"a":1,"b":2}|42|3""", transaction.Body);
        Assert.Equal("""{"count":42,"list":{"a":1,"b":2},"added":3}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Theory]
    [InlineData("""{"v":"3"}""", "integer")]
    [InlineData("""{"v":1.5}""", "integer")]
    [InlineData("""{"v":3}""", "string")]
    [InlineData("""{"v":"true"}""", "boolean")]
    public async Task Getter_ValueOfAnotherJsonType_ThrowsNamingTheKey(string json, string read)
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var s = context.GetCookieSession();
            var error = Assert.Throws<JsonException>(() => read switch
            {
                "integer" => (object?)s.GetInteger("v"),
                "string" => s.GetString("v"),
                _ => s.GetBoolean("v"),
            });
            await context.Response.WriteAsync(error.Message);
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie(json));

        Assert.Contains("'v'", transaction.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetNumber_NaN_IsRefused()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
            await context.Response.WriteAsync(Record.Exception(() => context.GetCookieSession().SetNumber("v", double.NaN))?.GetType().Name ?? "none"));

        Assert.Equal(nameof(ArgumentOutOfRangeException), (await host.SendAsync()).Body);
    }
}
