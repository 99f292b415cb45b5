using System.Text.Json;
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
